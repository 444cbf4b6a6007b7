#!/usr/bin/env bash
# Makes the vendored front-end files in this folder from their npm packages. Run by hand when a
# version changes; the server embeds what is here (no Node at build or run time).
# The GOV.UK font and crown are for GOV.UK services only: the @font-face rules and the crest are
# taken out and the font stack becomes the system's.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent govuk-frontend@6.6.0 @ministryofjustice/frontend@11.1.0 htmx.org@2.0.11 >/dev/null
for f in *.tgz; do mkdir "${f%.tgz}" && tar xzf "$f" -C "${f%.tgz}"; done
system='system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif'
unbrand() {
  sed -E -e 's/@font-face\{[^}]*\}//g' \
    -e "s/font-family:GDS Transport,arial,sans-serif/font-family:$system/g" \
    -e "s/font-family:GDS Transport/font-family:$system/g" \
    -e 's#url\(/assets/images/govuk-crest\.svg\)#none#g' \
    -e 's#url\(/assets/images/#url(/assets/moj/#g' \
    -e 's#/\*\# sourceMappingURL=[^*]*\*/##g'
}
unbrand < govuk-frontend-6.6.0/package/dist/govuk/govuk-frontend.min.css > "$here/govuk-frontend.min.css"
sed -e 's#//\# sourceMappingURL=.*##' govuk-frontend-6.6.0/package/dist/govuk/govuk-frontend.min.js > "$here/govuk-frontend.min.js"
unbrand < ministryofjustice-frontend-11.1.0/package/moj/moj-frontend.min.css > "$here/moj-frontend.min.css"
cp htmx.org-2.0.11/package/dist/htmx.min.js "$here/htmx.min.js"
cp htmx.org-2.0.11/package/LICENSE "$here/LICENSE-htmx"
echo "vendored into $here"
