# As a user who is not root, a missing package stops the set-up with the exact
# apt-get line to run (and installs nothing).
command -v setpriv >/dev/null || { echo "setpriv not available"; exit 77; }
out=$(KAOPING_DEPS_EXTRA=kaoping-no-such-package setpriv --reuid=65534 --regid=65534 --clear-groups \
	sh tools/deps.sh build 2>&1)
code=$?
echo "$out"
[ "$code" = 1 ] || { echo "exit $code, expected 1"; exit 1; }
echo "$out" | grep -qx '  apt-get update && apt-get install -y --no-install-recommends kaoping-no-such-package' ||
	{ echo "no exact apt-get line"; exit 1; }
