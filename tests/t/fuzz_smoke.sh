# Fuzz smoke run: every libFuzzer target (CSV reader, .xlsx reader, value parsers, template
# engine) for a few seconds; `make fuzz` runs them for a minute each.
sh tests/fuzz.sh "${FUZZ_SECONDS:-8}"
