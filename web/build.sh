#!/usr/bin/env bash
# Builds the scanner page into web/dist/: the WebAssembly package
# (bindings/wasm/build.sh) and the page's files. Deploying is copying
# web/dist/ to any static host (HTTPS, or localhost) together with the
# operator's trust files: trust.bundle, root.pub.pem and, optionally,
# rules.json (a local rule set; else the bundle's rules).
#
#   bash web/build.sh
#   python3 -m http.server -d web/dist 8080   # then open http://localhost:8080/
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)

bash "$root/bindings/wasm/build.sh"

dist="$here/dist"
tmp=$(mktemp -d "$here/.dist.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/pkg"
cp "$here"/{index.html,app.js,worker.js,style.css,manifest.webmanifest,icon.svg} "$tmp/"
cp "$root"/bindings/wasm/pkg/{qrcred.js,qrcred_wasm.js,qrcred_wasm_bg.wasm} "$tmp/pkg/"
# The service worker's cache version: a digest of everything it serves.
version=$(cd "$tmp" && find . -type f | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-16)
sed "s/__QRCRED_VERSION__/$version/" "$here/sw.js" > "$tmp/sw.js"
# Trust files already deployed in dist stay.
for f in trust.bundle root.pub.pem rules.json; do
  [ -f "$dist/$f" ] && cp "$dist/$f" "$tmp/$f"
done
chmod 755 "$tmp"
rm -rf "$dist.old"
[ -d "$dist" ] && mv "$dist" "$dist.old"
mv "$tmp" "$dist"
rm -rf "$dist.old"
trap - EXIT
echo "web/build.sh: $dist (version $version); add trust.bundle and root.pub.pem (and rules.json) to deploy"
