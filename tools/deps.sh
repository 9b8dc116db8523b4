#!/bin/sh
# deps.sh - install the Debian packages a make target needs, or say how.
# Usage: tools/deps.sh build|test|bench. As root, missing packages are installed
# with apt-get; otherwise the exact apt-get line is printed and we exit 1.
set -eu
BUILD="make gcc libc6-dev pkg-config libsqlite3-dev sqlite3 libcsv-dev liblua5.4-dev libhpdf-dev libunibreak-dev libxlsxwriter-dev libzip-dev libexpat1-dev libfreexl-dev zlib1g-dev gnuplot-nox fonts-arphic-gbsn00lp fonts-arphic-gkai00mp fonts-arphic-uming fonts-hanazono fonts-wqy-microhei"
TEST="poppler-utils qpdf python3 clang clang-format libclang-rt-14-dev valgrind chromium time"
# python3 (TEST): tests/lib/xlsx_check.py reads the workbooks back with its
# zipfile and xml.etree. Only make bench: the baseline for reading workbooks
# (tests/bench_xlsx.sh).
BENCH="xlsx2csv"
# Java and npm (for the Nu HTML checker) may come from elsewhere: want the
# Debian packages only when the commands are missing.
command -v java >/dev/null 2>&1 || TEST="$TEST default-jre-headless"
command -v npm >/dev/null 2>&1 || TEST="$TEST npm"
case "${1:-build}" in
build) want="$BUILD" ;;
test) want="$BUILD $TEST" ;;
bench) want="$BUILD $TEST $BENCH" ;;
*) echo "usage: $0 build|test|bench" >&2; exit 2 ;;
esac
# KAOPING_DEPS_EXTRA: more packages to require (the tests use it to check the
# message for a package that is missing).
want="$want ${KAOPING_DEPS_EXTRA:-}"
missing=""
for p in $want; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = installed ] || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "kaoping: missing Debian packages; run as root:" >&2
	echo "  apt-get update && apt-get install -y --no-install-recommends$missing" >&2
	exit 1
fi
echo "kaoping: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing >/dev/null
