#!/usr/bin/env bash
# Build Workbench as an app a filmmaker installs: a one-folder bundle in dist/workbench/ with
# its own Python, Qt (offscreen and xcb platform plugins), ONNX Runtime, PyAV, OpenCV and c2pa,
# the shipped models and the sample clip, a desktop entry and an icon. Needs the [bundle] extra:
#
#     .venv/bin/pip install -e '.[bundle]'      # PyInstaller, from PyPI
#     packaging/build_bundle.sh                 # PYTHON=… to use another interpreter
#
# Then: dist/workbench/workbench --version; dist/workbench/install-desktop-entry.sh; and
# tar -C dist -czf workbench-linux-x86_64.tar.gz workbench to hand it on.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
python="${PYTHON:-$root/.venv/bin/python}"
if ! "$python" -m PyInstaller --version >/dev/null 2>&1; then
    echo "error: PyInstaller is not installed for $python" >&2
    echo "  hint: $python -m pip install -e '$root[bundle]'" >&2
    exit 2
fi
# Qt's xcb plugin links against these; PyInstaller copies them into the bundle only when the
# build machine has them (Debian/Ubuntu: apt-get install libxcb-icccm4 libxcb-keysyms1 …)
ldconfig="$(command -v ldconfig || echo /sbin/ldconfig)"
for lib in libxcb-icccm.so.4 libxcb-keysyms.so.1 libxcb-cursor.so.0 libxkbcommon-x11.so.0; do
    if ! "$ldconfig" -p 2>/dev/null | grep -q "$lib"; then
        echo "warning: $lib is not on this machine, so the bundle will need it on the user's" >&2
    fi
done
cd "$root"
# the source tree's own package, whatever the interpreter has installed
export PYTHONPATH="$root/src${PYTHONPATH:+:$PYTHONPATH}"
"$python" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath "$root/dist" --workpath "$root/build/pyinstaller" "$here/workbench.spec"
bundle="$root/dist/workbench"
mkdir -p "$bundle/share"
cp "$here/workbench.desktop" "$here/workbench-mime.xml" "$bundle/share/"
cp "$root/src/workbench/qt/icons/workbench.svg" "$root/src/workbench/qt/icons/workbench-256.png" \
    "$bundle/share/"
install -m 755 "$here/workbench-desktop" "$here/install-desktop-entry.sh" "$bundle/"
for plugin in libqoffscreen.so libqxcb.so; do
    if ! find "$bundle" -name "$plugin" | grep -q .; then
        echo "error: the Qt platform plugin $plugin is missing from the bundle" >&2
        exit 1
    fi
done
"$bundle/workbench" --version
echo "built $bundle ($(du -sh "$bundle" | cut -f1))"
