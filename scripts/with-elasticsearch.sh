#!/usr/bin/env bash
# Run a command against a private, throwaway two-node Elasticsearch cluster on loopback.
# Usage: scripts/with-elasticsearch.sh COMMAND [ARGS...]
#
# The nodes are Elasticsearch 7.17 (Elastic's server jar and netty4 transport from
# Maven Central), one JVM each, launched by scripts/elasticsearch/ (built with Maven
# once into var/elasticsearch/launcher/, rebuilt only when its pom or sources change).
# The script waits until the cluster is green with both nodes and an index with one
# replica is allocatable, runs COMMAND, then stops both nodes and removes their data,
# also when COMMAND fails or the script is interrupted.
#
# Exported for COMMAND:
#   ELASTICSEARCH_URL        http://127.0.0.1:PORT of the first node
#   ELASTICSEARCH_NODE_URLS  both nodes' HTTP addresses, space-separated
#   ELASTICSEARCH_NODE_PIDS  both nodes' JVM process ids, in the same order (to stop one)
# Optional environment:
#   JAVA_HOME                the JDK to run (default: java on PATH; 11 or newer)
#   ES_HEAP                  heap of each node (default 512m)
#   ES_JAVA_OPTS             more JVM options for both nodes
#   ES_START_TIMEOUT         seconds to wait for green (default 120)
#   ES_KEEP_LOGS=DIR         copy the nodes' logs to DIR before their folder is removed
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
src=$root/scripts/elasticsearch
build=$root/var/elasticsearch/launcher
started=$(date +%s%N)
say() { echo "with-elasticsearch: $*" >&2; }
fail() { say "$*"; exit 1; }

java=${JAVA_HOME:+$JAVA_HOME/bin/}java
command -v "$java" >/dev/null || fail "no java found (install a JDK 11+ or set JAVA_HOME)"
java_version=$("$java" -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.specification.version/ {print $2}')
[ "${java_version%%.*}" -ge 11 ] 2>/dev/null || fail "$java is Java $java_version; Elasticsearch 7.17 needs 11 or newer"
command -v curl >/dev/null || fail "curl is needed to wait for the cluster"

# The launcher: built once; the stamp holds a hash of what it was built from.
source_hash=$(cd "$src" && find pom.xml src -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
launcher_ready() {
  [ "$(cat "$build/source-hash" 2>/dev/null)" = "$source_hash" ] || return 1
  local jar
  while IFS= read -r jar; do [ -f "$jar" ] || return 1; done < <(tr ':' '\n' < "$build/classpath.txt")
}
mkdir -p "$(dirname "$build")"
exec 9>"$build.lock"
flock 9  # two runs at once build it once
if ! launcher_ready; then
  command -v mvn >/dev/null || fail "Maven (mvn) is needed once to build the launcher: apt-get install maven"
  say "building the Elasticsearch launcher with Maven (once; cached in ${build#"$root"/}) ..."
  rm -rf "$build"
  mkdir -p "$build"
  if ! mvn -B -q --no-transfer-progress -f "$src/pom.xml" -Dlauncher.build.directory="$build" package \
      >"$build.log" 2>&1; then
    cat "$build.log" >&2
    fail "the Maven build failed (output above, also in ${build#"$root"/}.log)"
  fi
  echo "$source_hash" >"$build/source-hash"
fi
flock -u 9
exec 9>&-
classpath="$build/search-node-1.jar:$(cat "$build/classpath.txt")"

dir=$(mktemp -d /tmp/archive-es.XXXXXX)
pids=()
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  local pid
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  # A node flushes and closes within seconds; one that hangs is killed after 30 s.
  ( sleep 30; for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done ) &
  local killer=$!
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  kill "$killer" 2>/dev/null || true
  wait "$killer" 2>/dev/null || true
  if [ -n "${ES_KEEP_LOGS:-}" ]; then
    mkdir -p "$ES_KEEP_LOGS" && cp "$dir"/*.log "$ES_KEEP_LOGS"/ 2>/dev/null || true
  fi
  rm -rf "$dir"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Four free loopback ports: HTTP and transport for each node.
read -r http1 http2 tcp1 tcp2 < <(python3 -c '
import socket
socks = [socket.socket() for _ in range(4)]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in socks))
for s in socks:
    s.close()')

heap=${ES_HEAP:-512m}
# From Elasticsearch's own jvm.options, less what only its packaged distribution needs.
jvm_opts=(-Xms"$heap" -Xmx"$heap" -XX:+UseG1GC -XX:G1ReservePercent=25 -XX:InitiatingHeapOccupancyPercent=30
  -Xss1m -Djava.awt.headless=true -Dfile.encoding=UTF-8 -Djna.nosys=true -XX:-OmitStackTraceInFastThrow
  -Dio.netty.noUnsafe=true -Dio.netty.noKeySetOptimization=true -Dio.netty.recycler.maxCapacityPerThread=0
  -Dio.netty.allocator.numDirectArenas=0 -Dlog4j.shutdownHookEnabled=false -Dlog4j2.disable.jmx=true
  -Dlog4j2.formatMsgNoLookups=true -Djava.locale.providers=SPI,COMPAT
  ${ES_JAVA_OPTS:-})
start_node() {  # NAME HTTP_PORT TRANSPORT_PORT ROLES
  mkdir -p "$dir/$1"
  # setsid: a Ctrl-C reaches COMMAND, and the nodes are stopped in order afterwards.
  setsid "$java" "${jvm_opts[@]}" -cp "$classpath" archive.searchnode.SearchNode --parent-pid=$$ \
    path.home="$dir/$1" node.name="$1" node.roles="$4" cluster.name="archive-test-${dir##*.}" \
    http.port="$2" transport.port="$3" \
    discovery.seed_hosts="127.0.0.1:$tcp1,127.0.0.1:$tcp2" cluster.initial_master_nodes=node-1 \
    >"$dir/$1.log" 2>&1 </dev/null &
  pids+=($!)
}
# One master: with two master-eligible nodes both would vote, and losing either would
# leave no master. So node-1 is master and data, node-2 data only: with node-2 stopped
# the cluster still reads and writes (yellow); with node-1 stopped node-2 still answers
# searches from its replicas (cluster.no_master_block: write), but takes no writes.
start_node node-1 "$http1" "$tcp1" master,data,ingest
start_node node-2 "$http2" "$tcp2" data,ingest
url=http://127.0.0.1:$http1

show_logs() {
  local log
  for log in "$dir"/node-*.log; do echo "--- $(basename "$log") (last lines)" >&2; tail -n 30 "$log" >&2; done
}
deadline=$(( $(date +%s) + ${ES_START_TIMEOUT:-120} ))
until curl -sf -o /dev/null "$url/_cluster/health?wait_for_status=green&wait_for_nodes=2&timeout=2s"; do
  for pid in "${pids[@]}"; do
    kill -0 "$pid" 2>/dev/null || { show_logs; fail "a node exited before the cluster was green"; }
  done
  [ "$(date +%s)" -lt "$deadline" ] || { show_logs; fail "the cluster was not green with 2 nodes within ${ES_START_TIMEOUT:-120} s"; }
  sleep 0.5
done
# Green with no index says little: an index with one replica must get both its copies.
probe=with-elasticsearch-probe
curl -sf -o /dev/null -X PUT "$url/$probe" -H 'Content-Type: application/json' \
  -d '{"settings": {"number_of_shards": 1, "number_of_replicas": 1}}' \
  || { show_logs; fail "could not create the probe index"; }
curl -sf -o /dev/null "$url/_cluster/health/$probe?wait_for_status=green&timeout=60s" \
  || { show_logs; fail "an index with one replica did not become green"; }
curl -sf -o /dev/null -X DELETE "$url/$probe"

export ELASTICSEARCH_URL=$url
export ELASTICSEARCH_NODE_URLS="$url http://127.0.0.1:$http2"
export ELASTICSEARCH_NODE_PIDS="${pids[*]}"
version=$(curl -sf "$url" | python3 -c 'import json, sys; print(json.load(sys.stdin)["version"]["number"])')
elapsed=$(( ($(date +%s%N) - started) / 1000000 ))
say "Elasticsearch $version, 2 nodes green at $url and http://127.0.0.1:$http2 (data in $dir; ready in $((elapsed / 1000)).$(printf %03d $((elapsed % 1000))) s)"

# COMMAND runs as a child that the script waits for, so that a SIGTERM sent to the
# script alone reaches COMMAND at once (a foreground child would delay the trap until
# it ended). A terminal's Ctrl-C reaches COMMAND by itself: the script only waits.
( trap - INT QUIT TERM; exec "$@" ) <&0 &
command_pid=$!
trap 'kill -TERM "$command_pid" 2>/dev/null || true' TERM HUP
trap ':' INT
while :; do
  wait "$command_pid" && status=0 || status=$?
  kill -0 "$command_pid" 2>/dev/null || break
done
exit "$status"
