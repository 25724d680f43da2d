// Every built-in model, one line each, in registration order: a new
// mechanism or policy instrument is one new file in models/ and one line
// here. Each slot runs in the order of its first model in this list (inside
// a phase, where no state declaration orders the models); every model of a
// slot gives the slot's meaning (ModelInfo::slot_meaning), the same text.
// No include guard: register_models.hpp and .cpp include it with their own
// definition of MOBSIM_MODEL.
MOBSIM_MODEL(census_population)
MOBSIM_MODEL(households_model)
MOBSIM_MODEL(free_movement_blocs)
MOBSIM_MODEL(mobility_shocks)
MOBSIM_MODEL(skills_recognition)
MOBSIM_MODEL(undocumented_access)
MOBSIM_MODEL(housing_programmes)
MOBSIM_MODEL(job_programmes)
MOBSIM_MODEL(regularisations)
MOBSIM_MODEL(return_support)
MOBSIM_MODEL(circular_schemes)
MOBSIM_MODEL(crude_rate_demography)
MOBSIM_MODEL(labour_market)
MOBSIM_MODEL(housing_market)
MOBSIM_MODEL(legal_status_model)
MOBSIM_MODEL(household_budget)
MOBSIM_MODEL(remittances)
MOBSIM_MODEL(constant_rate_hinterland)
MOBSIM_MODEL(labour_linked_hinterland)
MOBSIM_MODEL(rest_of_world_immigration)
MOBSIM_MODEL(outflows_model)
MOBSIM_MODEL(diaspora_networks)
MOBSIM_MODEL(gravity_migration)
MOBSIM_MODEL(behavioural_migration)
MOBSIM_MODEL(legal_pathways)
MOBSIM_MODEL(sector_investment)
MOBSIM_MODEL(family_moves_model)
