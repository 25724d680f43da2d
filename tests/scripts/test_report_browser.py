"""The HTML report in a real browser: headless Chromium through selenium and
chromedriver opens report.html from disk (file://, offline), every image
loads, nothing is logged as an error, and screenshots of the first page and
of a city profile are kept as test artifacts (MOBSIM_ARTIFACTS, default
build/test-artifacts) for a person to look at.

Chromium, chromedriver and selenium are part of the project's set-up
(scripts/setup.sh): if they are missing this test fails, it does not skip."""
import os
import subprocess

import pytest

MOBSIM = os.environ.get("MOBSIM", "build/mobsim")
SOURCE = os.environ.get("MOBSIM_SOURCE_DIR", ".")
ARTIFACTS = os.environ.get("MOBSIM_ARTIFACTS", os.path.join(SOURCE, "build", "test-artifacts"))
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
CITIES = ["Freetown", "Dakar", "Milan", "Paris"]


def make_run(directory, name, body=""):
    base = os.path.abspath(os.path.join(SOURCE, "scenarios", "ci", "four_cities.toml"))
    scenario = directory / f"{name}.toml"
    scenario.write_text(f'base = "{base}"\n[run]\npeople_per_agent = 100\nreplicates = 3\n{body}')
    out = directory / f"{name}.h5"
    subprocess.run([MOBSIM, "run", str(scenario), "-o", str(out), "-q", "--no-summary"], check=True)
    return out


@pytest.fixture(scope="module")
def report_html(tmp_path_factory):
    directory = tmp_path_factory.mktemp("browser")
    base = make_run(directory, "base")
    scheme = make_run(directory, "scheme", 'name = "freetown_milan"\n[circular_schemes.freetown_milan]\n'
                      'origin = "Freetown"\ndestination = "Milan"\nsector = "other_services"\n'
                      'start = "2025-03"\nannual_quota = 1200\n')
    out = directory / "report"
    subprocess.run(["/usr/bin/python3", os.path.join(SOURCE, "scripts", "report.py"), str(base), str(scheme),
                    "-o", str(out)], check=True, capture_output=True)
    return out / "report.html"


@pytest.fixture(scope="module")
def browser():
    missing = [path for path in (CHROMIUM, CHROMEDRIVER) if not os.path.exists(path)]
    if missing:
        pytest.fail(f"missing {', '.join(missing)}: install chromium and chromium-driver (scripts/setup.sh)")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError as error:
        pytest.fail(f"selenium is missing ({error}): install python3-selenium (scripts/setup.sh)")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--no-first-run", "--window-size=1400,1000", "--hide-scrollbars"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def page(browser, report_html):
    browser.get(report_html.resolve().as_uri())
    # Images are data: URIs; wait until every one is decoded.
    browser.execute_async_script("""
        const done = arguments[arguments.length - 1];
        Promise.all(Array.from(document.images).map(img => img.decode().catch(() => null))).then(() => done());
    """)
    return browser


def test_every_image_renders(page):
    images = page.execute_script("""
        return Array.from(document.images).map(img => ({src: img.src.slice(0, 40), complete: img.complete,
                                                       width: img.naturalWidth, height: img.naturalHeight}));
    """)
    assert len(images) >= len(CITIES) + 3, images  # profiles, maps, scheme, effects
    broken = [img for img in images if not img["complete"] or img["width"] == 0 or img["height"] == 0]
    assert not broken, broken
    # Inline SVG, where there is any, must be laid out with a size.
    svgs = page.execute_script("""
        return Array.from(document.querySelectorAll('svg')).map(s => s.getBoundingClientRect().width);
    """)
    assert all(width > 0 for width in svgs), svgs


def test_sections_are_in_the_page(page):
    from selenium.webdriver.common.by import By
    for section in ["summary", "map", "provenance", "scheme-freetown_milan"] + [f"profile-{c}" for c in CITIES]:
        assert page.find_element(By.ID, section).is_displayed(), section


def test_no_console_errors(page):
    errors = [entry for entry in page.get_log("browser") if entry.get("level") == "SEVERE"]
    assert not errors, errors


def is_nontrivial_png(path):
    """A real picture: a PNG of some size whose pixels are not all alike."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    pixels = plt.imread(path)
    return os.path.getsize(path) > 10_000 and min(pixels.shape[:2]) > 100 and float(pixels.std()) > 0.02


def test_screenshots(page):
    from selenium.webdriver.common.by import By
    os.makedirs(ARTIFACTS, exist_ok=True)
    first = os.path.join(ARTIFACTS, "report_first_page.png")
    page.execute_script("window.scrollTo(0, 0);")
    assert page.save_screenshot(first)
    # Tall enough for the whole profile: an element screenshot is clipped to the viewport.
    page.set_window_size(1400, 2000)
    profile = page.find_element(By.ID, "profile-Milan")
    page.execute_script("arguments[0].scrollIntoView();", profile)
    city = os.path.join(ARTIFACTS, "report_profile_Milan.png")
    assert profile.screenshot(city)
    for path in (first, city):
        assert os.path.exists(path), path
        assert is_nontrivial_png(path), path
