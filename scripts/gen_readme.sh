#!/usr/bin/env bash
# Each addon's README.rst and static/description/index.html, generated from its readme/*.md
# fragments and its manifest by OCA's oca-gen-addon-readme (vendored in scripts/vendor/, see
# its README.md), as the OCA pre-commit hook of the 18.0 repository template does.
#
#   bash scripts/gen_readme.sh           write README.rst + index.html of every addon
#   bash scripts/gen_readme.sh --check   exit 1 if one of them is not what the fragments give
#                                        (generated in a temporary copy; nothing is written)
#
# --check keeps the source digest already in README.rst (the hook's --keep-source-digest), so a
# manifest change that does not change the text (a new data file, a version bump) does not make
# it fail; the text, the badges and index.html must match.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PY="${ODOO_PYTHON:-python3}"
# --org-name/--repo-name: the manifests' website (https://github.com/customer-mgmt/odoo-customer-mgmt)
GEN_ARGS=(--branch=18.0 --org-name=customer-mgmt --repo-name=odoo-customer-mgmt)

gen() {  # gen ADDONS_DIR [extra args]
    local addons_dir="$1"
    shift
    PYTHONPATH="$ROOT/scripts/vendor${PYTHONPATH:+:$PYTHONPATH}" \
        "$PY" -m oca_gen_addon_readme.gen_addon_readme --addons-dir="$addons_dir" \
        "${GEN_ARGS[@]}" "$@"
    # index.html is the addon's page in Odoo's Apps screen, which serves it from the addon's
    # static/description/: its images (the screenshots) are linked there, not on GitHub
    local index
    for index in "$addons_dir"/*/static/description/index.html; do
        [ -e "$index" ] || continue
        sed -i -E 's#https://raw\.githubusercontent\.com/customer-mgmt/odoo-customer-mgmt/18\.0/[a-z_]+/static/description/##g' "$index"
    done
}

if [ "${1:-}" != "--check" ]; then
    gen "$ROOT/addons"
    exit 0
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cp -a "$ROOT/addons" "$tmp/addons"
# the generator writes .rst next to .md fragments while it runs: work on the copy only
gen "$tmp/addons" --keep-source-digest
rc=0
for manifest in "$ROOT"/addons/*/__manifest__.py; do
    addon="$(basename "$(dirname "$manifest")")"
    [ -e "$ROOT/addons/$addon/readme/DESCRIPTION.md" ] || [ -e "$ROOT/addons/$addon/readme/DESCRIPTION.rst" ] || continue
    for f in README.rst static/description/index.html; do
        if ! diff -u "$ROOT/addons/$addon/$f" "$tmp/addons/$addon/$f" >"$tmp/diff" 2>&1; then
            echo "addons/$addon/$f is not generated from readme/ and the manifest (run: bash scripts/gen_readme.sh):"
            head -n 20 "$tmp/diff"
            rc=1
        fi
    done
done
exit "$rc"
