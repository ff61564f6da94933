# Source it: `source scripts/use-node.sh`. Puts the project's Node.js 24 first on PATH when the
# machine's is older (scripts/install-node.sh fetches it once), and points native addon builds
# (better-sqlite3) at its headers, which the npm registry's package carries (node-gyp cannot
# download them here). With Node >= 24 already on PATH it changes nothing.
_project_node_dir="$(bash "$(dirname "${BASH_SOURCE[0]}")/install-node.sh")" || return 1 2>/dev/null || exit 1
if [ -n "$_project_node_dir" ]; then
  export PATH="$_project_node_dir/bin:$PATH"
  export npm_config_nodedir="$_project_node_dir"
fi
unset _project_node_dir
echo "[use-node] node $(node -v) ($(command -v node))" >&2
