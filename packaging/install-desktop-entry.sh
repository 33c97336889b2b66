#!/bin/sh
# Put Workbench in the desktop's application menu (for this user): the entry, the icon and the
# .wbproj file type. Run it from the unpacked bundle; run it again after moving the folder.
set -eu
here="$(dirname "$(readlink -f "$0")")"
data="${XDG_DATA_HOME:-$HOME/.local/share}"
mkdir -p "$data/applications" "$data/icons/hicolor/256x256/apps" "$data/icons/hicolor/scalable/apps" "$data/mime/packages"
sed "s#@BUNDLE@#$here#g" "$here/share/workbench.desktop" > "$data/applications/workbench.desktop"
cp "$here/share/workbench-256.png" "$data/icons/hicolor/256x256/apps/workbench.png"
cp "$here/share/workbench.svg" "$data/icons/hicolor/scalable/apps/workbench.svg"
cp "$here/share/workbench-mime.xml" "$data/mime/packages/workbench.xml"
command -v update-mime-database >/dev/null && update-mime-database "$data/mime" || true
command -v update-desktop-database >/dev/null && update-desktop-database "$data/applications" || true
echo "installed $data/applications/workbench.desktop (Workbench, from $here)"
