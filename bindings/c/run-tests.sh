#!/usr/bin/env bash
# Builds the library and the C suite, then runs it plainly, with the stress tests under
# AddressSanitizer + UndefinedBehaviorSanitizer, and under valgrind (0 errors, 0 bytes
# definitely lost). Needs: cc, protobuf-c (protoc-c, libprotobuf-c-dev), valgrind.
set -euo pipefail
cd "$(dirname "$0")"
(cd ../.. && cargo build --quiet --lib)
make --quiet all
echo "-- C tests"
./build/test_plugwire
echo "-- C tests with stress, ASan + UBSan"
# The Rust library itself is not instrumented; leaks in it would still be reported.
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ./build/test_plugwire_san --stress
echo "-- C tests with reduced stress, valgrind"
PLUGWIRE_STRESS_SCALE=20 valgrind --quiet --error-exitcode=99 --leak-check=full \
    --errors-for-leak-kinds=definite --show-leak-kinds=definite \
    ./build/test_plugwire --stress
echo "-- lifetime tests"
./build/test_lifetimes
echo "-- lifetime tests, ASan + UBSan"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ./build/test_lifetimes_san
echo "-- lifetime tests, valgrind"
PLUGWIRE_SLOW=4 valgrind --quiet --error-exitcode=99 --leak-check=full \
    --errors-for-leak-kinds=definite --show-leak-kinds=definite \
    ./build/test_lifetimes
echo "-- example"
./build/example > build/example.out
grep -q "Vibrate:10;" build/example.out
