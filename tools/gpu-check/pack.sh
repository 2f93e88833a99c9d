#!/usr/bin/env bash
# Packs what tools/gpu-check/run.sh needs on a GPU machine that has Python + PyTorch but no Java and no network:
# a jlink JRE, the slim bench jar (Maven profile gpu-check), DJL's JNI libraries from pytorch-jni, the PyTorch
# reference script, and DJL's JNI C++ sources (plus the generated JNI header and jni.h) for a rebuild against the
# machine's libtorch. Everything lands in tools/gpu-check/pack/ (git-ignored); its size is printed at the end.
#
#   DJL_GIT=<clone of github.com/deepjavalibrary/djl, bare is fine> bash tools/gpu-check/pack.sh
#
# Options: --skip-build (reuse worker/target/oneshot-bench-slim.jar), --out DIR (default tools/gpu-check/pack).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
PACK="$HERE/pack"
BUILD=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --skip-build) BUILD=0; shift ;;
    --out) PACK="$2"; shift 2 ;;
    *) echo "pack: unknown option $1" >&2; exit 2 ;;
  esac
done

fail() { echo "pack: FAILED at step $1: $2" >&2; exit 1; }
step() { echo "== pack: $*"; }

DJL_VERSION=0.36.0              # ai.djl:api / pytorch-engine, see the root pom
JNI_VERSION=2.7.1-$DJL_VERSION  # ai.djl.pytorch:pytorch-jni
M2="${MAVEN_REPO:-$HOME/.m2/repository}"
JNI_JAR="$M2/ai/djl/pytorch/pytorch-jni/$JNI_VERSION/pytorch-jni-$JNI_VERSION.jar"
API_JAR="$M2/ai/djl/api/$DJL_VERSION/api-$DJL_VERSION.jar"
REFERENCE="$ROOT/../shared/bench/torch_reference.py"

step "checks"
JAVA_BIN="$(command -v java)" || fail checks "no java on PATH"
JAVA_HOME_="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$JAVA_BIN")")")}"
for t in jlink jdeps javac; do [[ -x "$JAVA_HOME_/bin/$t" ]] || fail checks "$JAVA_HOME_/bin/$t missing (need a JDK 17)"; done
"$JAVA_HOME_/bin/java" -version 2>&1 | head -1
[[ -f "$JNI_JAR" ]] || fail checks "$JNI_JAR missing (./mvnw -o package once, so Maven has it)"
[[ -f "$API_JAR" ]] || fail checks "$API_JAR missing"
[[ -f "$REFERENCE" ]] || fail checks "../shared/bench/torch_reference.py not found beside the checkout"
[[ -n "${DJL_GIT:-}" ]] || fail checks "set DJL_GIT to a git clone of github.com/deepjavalibrary/djl (bare is fine)"
DJL_COMMIT="$(git --git-dir="$DJL_GIT" rev-parse "v$DJL_VERSION^{commit}" 2>/dev/null)" \
  || DJL_COMMIT="$(git --git-dir="$DJL_GIT/.git" rev-parse "v$DJL_VERSION^{commit}" 2>/dev/null)" \
  || fail checks "$DJL_GIT has no tag v$DJL_VERSION"
[[ -d "$DJL_GIT/.git" ]] && DJL_GIT="$DJL_GIT/.git"
echo "DJL v$DJL_VERSION = $DJL_COMMIT"

rm -rf "$PACK"
mkdir -p "$PACK"

step "slim jar (worker, profile gpu-check)"
SLIM="$ROOT/worker/target/oneshot-bench-slim.jar"
if [[ $BUILD == 1 ]]; then
  (cd "$ROOT" && ./mvnw -B -o -q -pl worker -am -Pgpu-check -DskipTests package) || fail "slim jar" "maven build failed"
fi
[[ -f "$SLIM" ]] || fail "slim jar" "$SLIM missing"
if unzip -l "$SLIM" | grep -qE 'pytorch/cpu|jnilib/|io/temporal|org/postgresql|software/amazon|io/zonky|org/gaul'; then
  fail "slim jar" "$SLIM holds a native library, a platform client or a test server"
fi
cp "$SLIM" "$PACK/oneshot-bench-slim.jar"

step "jlink JRE"
MODULES="$("$JAVA_HOME_/bin/jdeps" --print-module-deps --ignore-missing-deps --multi-release 17 "$SLIM" | tail -1)"
[[ "$MODULES" == java.base* ]] || fail jlink "jdeps gave no module list: $MODULES"
echo "modules: $MODULES"
"$JAVA_HOME_/bin/jlink" --add-modules "$MODULES" --strip-debug --no-header-files --no-man-pages --compress=2 \
  --output "$PACK/jre" || fail jlink "jlink failed"
# libjvm.so keeps its symbol table (about 3.5 MiB); strip it if binutils is here
if command -v strip >/dev/null; then
  chmod u+w "$PACK/jre/lib/server/libjvm.so" && strip --strip-unneeded "$PACK/jre/lib/server/libjvm.so"
fi
"$PACK/jre/bin/java" -version 2>&1 | head -1

step "JNI libraries from pytorch-jni $JNI_VERSION"
mkdir -p "$PACK/jni"
# the CUDA 12.8 build only: the CPU one (4 MiB) has no use there, and the rehearsal takes it from Maven's copy
(cd "$PACK/jni" && unzip -q "$JNI_JAR" 'jnilib/pytorch.properties' 'jnilib/linux-x86_64/cu128/*') \
  || fail jni "unzip $JNI_JAR"
find "$PACK/jni" -name '*.so' -exec ls -l {} \; | awk '{print $5, $9}'

step "reference script"
mkdir -p "$PACK/reference"
cp "$REFERENCE" "$PACK/reference/"
# it imports only torch, torchvision and the standard library; say so if that ever changes
if grep -E '^(from|import) ' "$REFERENCE" | grep -vE '^(import (json|os|time|sys|subprocess|argparse|torch)|from torchvision|import torch|import torchvision)' ; then
  fail reference "torch_reference.py imports something beyond torch/torchvision/stdlib (listed above): pack it too"
fi

step "DJL JNI sources at v$DJL_VERSION"
SRC="$PACK/djl-jni"
NATIVE=engines/pytorch/pytorch-native
mkdir -p "$SRC"
git --git-dir="$DJL_GIT" archive "$DJL_COMMIT" "$NATIVE/CMakeLists.txt" "$NATIVE/src/main/native" \
  api/src/main/native | tar -x -C "$SRC" || fail sources "git archive from $DJL_GIT"
# the header javac -h writes from PyTorchLibrary.java (no Java there to do it), where CMakeLists.txt looks for it
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
git --git-dir="$DJL_GIT" archive "$DJL_COMMIT" engines/pytorch/pytorch-engine/src/main/java | tar -x -C "$TMP"
"$JAVA_HOME_/bin/javac" -nowarn -proc:none -cp "$API_JAR" -sourcepath "$TMP/engines/pytorch/pytorch-engine/src/main/java" \
  -h "$SRC/$NATIVE/build/include" -d "$TMP/classes" \
  "$TMP/engines/pytorch/pytorch-engine/src/main/java/ai/djl/pytorch/jni/PyTorchLibrary.java" 2>&1 | grep -v '^Note:' || true
[[ -f "$SRC/$NATIVE/build/include/ai_djl_pytorch_jni_PyTorchLibrary.h" ]] || fail sources "javac -h made no header"
mkdir -p "$SRC/jni-include/linux"
cp "$JAVA_HOME_/include/jni.h" "$SRC/jni-include/"
cp "$JAVA_HOME_/include/linux/jni_md.h" "$SRC/jni-include/linux/"

step "manifest"
{
  echo "packed: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "project commit: $(git -C "$ROOT" rev-parse HEAD)$(git -C "$ROOT" diff --quiet HEAD -- . ':!tools/gpu-check' || echo ' (with local changes)')"
  echo "jre: $("$PACK/jre/bin/java" -version 2>&1 | head -1); modules $MODULES"
  echo "djl: $DJL_VERSION, pytorch-jni $JNI_VERSION ($(cat "$PACK/jni/jnilib/pytorch.properties"))"
  echo "djl sources: v$DJL_VERSION $DJL_COMMIT"
  (cd "$PACK" && find . -type f ! -path './jre/*' -printf '%s %p\n' | sort -k2)
} > "$PACK/MANIFEST.txt"

step "size"
du -sh "$PACK"/* | sort -h
TOTAL=$(du -sb "$PACK" | cut -f1)
echo "pack: $PACK = $((TOTAL / 1024 / 1024)) MiB ($TOTAL bytes); the device machine takes at most 64 MiB with the tree"
[[ $TOTAL -lt $((58 * 1024 * 1024)) ]] || fail size "pack is over 58 MiB (the tree itself needs a few)"
