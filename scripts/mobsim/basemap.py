"""The ground under the report's maps: land and sea from GSHHS coastlines
(crude resolution) and country borders from Natural Earth 1:110m, both read
offline from Debian packages (python-cartopy-data ships the GSHHS
shapefiles, python3-geopandas the Natural Earth countries), drawn with
cartopy on an equirectangular (Plate Carrée) projection, so that the maps'
data coordinates stay longitude and latitude.

Sources: Wessel & Smith (1996), GSHHG: A Global Self-consistent,
Hierarchical, High-resolution Geography Database, version 2.3 (crude
level-1 shorelines); Natural Earth, Admin 0 - Countries, 1:110m
(naturalearthdata.com, public domain).
"""
import importlib.util
import logging
import os

import cartopy
import cartopy.crs as ccrs
from cartopy.io import shapereader
from cartopy.mpl.ticker import LatitudeFormatter, LongitudeFormatter
import numpy as np

# The crude GSHHS shapefile has rings that do not close; GDAL closes them
# and says so on every read.
logging.getLogger("fiona").setLevel(logging.ERROR)

PROJECTION = ccrs.PlateCarree()
LAND, SEA, COAST, BORDER = "#f2efe6", "#dfeaf2", "#8a9aa6", "#b9b2a3"


def _countries_path():
    spec = importlib.util.find_spec("geopandas")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = os.path.join(spec.submodule_search_locations[0], "datasets", "naturalearth_lowres",
                        "naturalearth_lowres.shp")
    return path if os.path.exists(path) else None


def _coastline_path():
    return os.path.join(cartopy.config["repo_data_dir"], "shapefiles", "gshhs", "c", "GSHHS_c_L1.shp")


def add_geo_axes(fig, rect):
    """Axes on the map projection, placed at `rect` in figure coordinates."""
    return fig.add_axes(rect, projection=PROJECTION)


def draw_ground(ax, extent, spacing):
    """Sea, land, coastlines, country borders and a graticule every
    `spacing` degrees over `extent` (west, east, south, north)."""
    ax.set_extent(extent, crs=PROJECTION)
    ax.set_facecolor(SEA)
    coast = _coastline_path()
    if os.path.exists(coast):
        land = list(shapereader.Reader(coast).geometries())
        ax.add_geometries(land, PROJECTION, facecolor=LAND, edgecolor=COAST, linewidth=0.6, zorder=0.5)
    countries = _countries_path()
    if countries:
        borders = [g.boundary for g in shapereader.Reader(countries).geometries()]
        ax.add_geometries(borders, PROJECTION, facecolor="none", edgecolor=BORDER, linewidth=0.5, zorder=0.6)
    west, east, south, north = extent
    ax.gridlines(crs=PROJECTION, xlocs=np.arange(-180, 181, spacing), ylocs=np.arange(-90, 91, spacing),
                 color="#c8d3dc", linewidth=0.4, zorder=0.7)
    ax.set_xticks([x for x in np.arange(-180, 181, spacing) if west <= x <= east], crs=PROJECTION)
    ax.set_yticks([y for y in np.arange(-90, 91, spacing) if south <= y <= north], crs=PROJECTION)
    ax.xaxis.set_major_formatter(LongitudeFormatter())
    ax.yaxis.set_major_formatter(LatitudeFormatter())
    ax.tick_params(labelsize=10)


def has_ground_data():
    """Whether both offline datasets are installed (scripts/setup.sh)."""
    return os.path.exists(_coastline_path()) and _countries_path() is not None


__all__ = ["PROJECTION", "add_geo_axes", "draw_ground", "has_ground_data"]
