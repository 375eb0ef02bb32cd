# Sourced by the Wine test runners (bindings/c/run-windows-tests.sh, scripts/test-windows,
# scripts/wine/run): a private Wine prefix under the cargo target directory, quiet, with no
# Mono or Gecko installer prompts, and `wine_stage DIR`, which puts the Windows build and
# the two stand-in DLLs Wine 8 lacks (scripts/wine/build) into DIR, where Wine looks for a
# program's DLLs first. The stand-ins never go into a package.
# Needs: root (the repository root) set; wine_stage also windows_dir (scripts/build-windows'
# output).
wine_target_dir="$("$root/scripts/cargo-target-dir")"
export WINEPREFIX="$wine_target_dir/windows/wineprefix"
export WINEDEBUG="${WINEDEBUG:--all}"
export WINEDLLOVERRIDES="mscoree,mshtml="
unset DISPLAY WAYLAND_DISPLAY

wine_stage() {
    local dir="$1"
    mkdir -p "$dir"
    bash "$root/scripts/wine/build" "$wine_target_dir/windows/wine-tools"
    cp -f "$wine_target_dir"/windows/wine-tools/*.dll "$windows_dir/plugwire.dll" "$windows_dir/plugwire.exe" "$dir/"
    if [ ! -f "$WINEPREFIX/system.reg" ]; then
        echo "-- creating the Wine prefix $WINEPREFIX (once)"
        wineboot --init >/dev/null 2>&1 || true
        wineserver --wait || true
    fi
}
