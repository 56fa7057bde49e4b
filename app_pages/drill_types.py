"""Read-only catalogue of drill types (plan, forms, objectives and their criteria, the defaults a drill
starts from) and the rules saying which drills each kind of unit must hold."""

import streamlit as st

from ui import drill_catalogue, loaders, state

st.title(state.t("page.drill_types"))
st.caption(state.t("dt.intro"))
key = state.change_key()
titles = loaders.directives(key)
drill_types = loaders.drill_types(key)
if not drill_types:
    st.info(state.t("dt.empty"))
for dt in drill_types:
    with st.expander(f"**{state.name(dt)}** · {state.t(f'dt.plan.{dt.plan_level}')} · "
                     f"{state.t('dt.frequency', n=dt.frequency_months)}"):
        drill_catalogue.show_drill_type(dt, titles)

rules = drill_catalogue.drill_rules(key)
if rules:
    st.subheader(state.t("dt.rules"))
    st.caption(state.t("dt.rules_hint"))
    st.table(drill_catalogue.rules_table(rules, {dt.key: state.name(dt) for dt in drill_types}),
             hide_index=True, border="horizontal")
