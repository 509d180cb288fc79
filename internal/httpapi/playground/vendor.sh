#!/usr/bin/env bash
# Vendors the playground's third-party files into vendor/ from the npm
# registry: GraphiQL's and React's UMD builds, exactly the versions pinned
# below, each package tarball checked against its pinned sha512 integrity
# (the registry's dist.integrity) before anything is taken from it.
#
#   internal/httpapi/playground/vendor.sh          rewrite vendor/ from the pinned packages
#   internal/httpapi/playground/vendor.sh --check  fail if vendor/ differs from them
#                                          (a file changed, missing or extra)
#
# Needs npm (its own client fetches the tarballs, so the usual npm
# configuration and cache apply), node and tar. To upgrade, change a
# version and its integrity (`npm view PACKAGE@VERSION dist.integrity`),
# run this script, then update VERSIONS.md and try the page.
set -euo pipefail
cd "$(dirname "$0")"

# package@version, then the tarball's integrity.
packages=(
  "graphiql@4.1.2 sha512-rNlzQIAzm6i2KBXmVQWBgLvt0TloxFVB2d18bukvdsvjEuFDHsKx5IVOomL1W1o5WW+tE54+ioHb2AEKzO2cUg=="
  "react@18.3.1 sha512-wS+hAgJShR0KhEvPJArfuPVN1+Hz1t0Y6n5jLrGQbkb4urgPE/0Rve+1kMB1v/oWgHgm4WIcV+i7F2pTVj+2iQ=="
  "react-dom@18.3.1 sha512-5m4nQKp+rZRb09LNH59GM4BxTh9251/ylbKIbpe7TpGxfJ+9kv6BLkLBXIjjspbgbnIBNqlI23tRnTWT0snUIw=="
)

# package, path inside its tarball, name in vendor/. These are all of
# vendor/: --check fails on any other file there.
files=(
  "graphiql package/graphiql.min.js graphiql.min.js"
  "graphiql package/graphiql.min.css graphiql.min.css"
  "graphiql package/LICENSE graphiql.LICENSE.txt"
  "react package/umd/react.production.min.js react.production.min.js"
  "react package/LICENSE react.LICENSE.txt"
  "react-dom package/umd/react-dom.production.min.js react-dom.production.min.js"
)

check=false
case "${1:-}" in
  "") ;;
  --check) check=true ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/tarballs" "$tmp/vendor"

for entry in "${packages[@]}"; do
  read -r spec want <<<"$entry"
  name=${spec%@*}
  version=${spec##*@}
  # npm pack writes NAME-VERSION.tgz (no scope here) and checks the
  # registry's own integrity; the pinned one is checked below.
  (cd "$tmp/tarballs" && npm pack --silent --no-fund --no-audit "$spec" >/dev/null)
  tgz="$tmp/tarballs/$name-$version.tgz"
  got=$(node -e 'const c = require("crypto"), fs = require("fs");
    process.stdout.write("sha512-" + c.createHash("sha512").update(fs.readFileSync(process.argv[1])).digest("base64"))' "$tgz")
  if [ "$got" != "$want" ]; then
    echo "$spec: tarball integrity $got, pinned $want" >&2
    exit 1
  fi
  mkdir "$tmp/$name"
  tar -xzf "$tgz" -C "$tmp/$name"
done

# react-dom's LICENSE is react's: one copy (react.LICENSE.txt) covers both.
if ! cmp -s "$tmp/react/package/LICENSE" "$tmp/react-dom/package/LICENSE"; then
  echo "react-dom's LICENSE differs from react's: vendor it too" >&2
  exit 1
fi

for entry in "${files[@]}"; do
  read -r name from to <<<"$entry"
  cp "$tmp/$name/$from" "$tmp/vendor/$to"
done

if $check; then
  if ! diff -r "$tmp/vendor" vendor >"$tmp/diff" 2>&1; then
    sed -e "s|$tmp/vendor|pinned|g" "$tmp/diff" | grep -v '^[<>]' | head -20 >&2
    echo "internal/httpapi/playground/vendor differs from the pinned npm packages: run internal/httpapi/playground/vendor.sh" >&2
    exit 1
  fi
  # VERSIONS.md names what is pinned here (go test checks its file sums).
  for entry in "${packages[@]}"; do
    read -r spec want <<<"$entry"
    if ! grep -qF -- "$want" VERSIONS.md || ! grep -qF -- "| ${spec##*@} " VERSIONS.md; then
      echo "VERSIONS.md does not list $spec with integrity $want" >&2
      exit 1
    fi
  done
  echo "internal/httpapi/playground/vendor matches ${packages[*]%% *}"
  exit 0
fi

rm -rf vendor
cp -R "$tmp/vendor" vendor
chmod 0644 vendor/*
echo "vendored into internal/httpapi/playground/vendor:"
(cd vendor && sha256sum -- *)
