"""Read-only catalogue of drill types: what each carries out, its forms, frequency and objectives."""

import streamlit as st

from ui import loaders, state

st.title(state.t("page.drill_types"))
st.caption(state.t("dt.intro"))
lang = state.lang()
key = state.change_key()
titles = loaders.directives(key)
drill_types = loaders.drill_types(key)
if not drill_types:
    st.info(state.t("dt.empty"))
for dt in drill_types:
    with st.expander(f"**{state.name(dt)}** · {state.t('dt.frequency', n=dt.frequency_months)}"):
        st.write(state.name(dt, 'description'))
        forms = [state.t(f"scope.{s}") for s in dt.scopes] + [state.t(f"mode.{m}") for m in dt.modes]
        st.markdown(f"**{state.t('dt.forms')}**: {' · '.join(forms)}  \n"
                    f"{state.t('dt.duration', h=dt.typical_duration_hours)}  \n"
                    f"**{state.t('dt.disciplines')}**: {' · '.join(state.t(f'disc.{d}') for d in dt.disciplines)}")
        st.markdown(f"**{state.t('dt.sources')}**")
        for source in dt.sources:
            st.markdown(f"- `{source}` {titles.get(source, {}).get(lang, '')}")
        st.markdown(f"**{state.t('dt.objectives')}**")
        for objective in dt.objectives:
            st.markdown(f"- {objective[f'text_{lang}']}")
