#!/usr/bin/env bash
# The GPU check: our model (Java, DJL) beside the PyTorch reference on one borrowed GPU, from what pack.sh packed.
# Run from the repository root on a machine with Python + PyTorch (CUDA), CMake and a C++ compiler, no Java needed:
#
#   bash tools/gpu-check/run.sh              # the GPU run; results under $OUT (or ./gpu-check-out)
#   bash tools/gpu-check/run.sh --rehearse   # on a CPU machine: the same steps on cpu, small and fast
#
# Steps: pack, java, python, gpu, libtorch, jni (the packed JNI, else a CMake build of DJL's JNI against this
# libtorch), bench (ours, one JVM per configuration), reference (torch_reference.py), summary. Each prints what it
# found; a failure ends with one line "gpu-check: FAILED at step <step>: <why>".
#
# Options:
#   --rehearse            cpu instead of gpu; defaults become --configs small --iters 1 --warmup 0; the JNI build
#                         stops after CMake's configure unless --build-jni
#   --configs LIST        small,resnext50 (default; the reference is ResNeXt50 512 px)
#   --iters N --warmup N  timed and untimed repetitions for both (default 3 and 1)
#   --python PY           Python with torch (default: python3 on PATH, else /usr/bin/python3)
#   --libtorch DIR        a libtorch lib/ folder instead of the Python's (--libtorch-version V with it)
#   --build-jni           build the JNI even if the packed one loads; --configure-only stops after configure
#   --no-reference        skip torch_reference.py
#   --out DIR             results (default $OUT, else ./gpu-check-out)
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PACK="${GPU_CHECK_PACK:-$HERE/pack}"
WORK="${GPU_CHECK_WORK:-$HERE/scratch}"
OUTDIR="${OUT:-$PWD/gpu-check-out}"
DJL_VERSION=0.36.0
REHEARSE=0 CONFIGS="" ITERS="" WARMUP="" PY="" LIBTORCH="" LIBTORCH_VERSION="" BUILD_JNI=0 CONFIGURE_ONLY="" REFERENCE=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rehearse) REHEARSE=1; shift ;;
    --configs) CONFIGS="$2"; shift 2 ;;
    --iters) ITERS="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --python) PY="$2"; shift 2 ;;
    --libtorch) LIBTORCH="$2"; shift 2 ;;
    --libtorch-version) LIBTORCH_VERSION="$2"; shift 2 ;;
    --build-jni) BUILD_JNI=1; CONFIGURE_ONLY=0; shift ;;
    --configure-only) CONFIGURE_ONLY=1; shift ;;
    --no-reference) REFERENCE=0; shift ;;
    --out) OUTDIR="$2"; shift 2 ;;
    -h|--help) sed -n '2,/^set -uo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "gpu-check: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
if [[ $REHEARSE == 1 ]]; then
  DEVICE=cpu; CONFIGS="${CONFIGS:-small}"; ITERS="${ITERS:-1}"; WARMUP="${WARMUP:-0}"; CONFIGURE_ONLY="${CONFIGURE_ONLY:-1}"
else
  DEVICE=gpu; CONFIGS="${CONFIGS:-small,resnext50}"; ITERS="${ITERS:-3}"; WARMUP="${WARMUP:-1}"; CONFIGURE_ONLY="${CONFIGURE_ONLY:-0}"
fi

mkdir -p "$OUTDIR" "$WORK" || { echo "gpu-check: FAILED at step setup: cannot create $OUTDIR or $WORK"; exit 1; }
LOG="$OUTDIR/run.log"
: > "$LOG"
exec > >(tee -a "$LOG") 2>&1
FACTS="$OUTDIR/facts.txt"
: > "$FACTS"
STEP=setup
step() { STEP="$1"; shift; echo; echo "== gpu-check [$STEP] $*"; }
fact() { echo "$1=$2" >> "$FACTS"; echo "   $1: $2"; }
fail() {
  echo "gpu-check: FAILED at step $STEP: $*"
  fact failed "$STEP: $*"
  summarize || true
  exit 1
}
summarize() {
  "$PY" "$HERE/summarize.py" --out "$OUTDIR" --facts "$FACTS" --configs "$CONFIGS" ${SMI_OK:+--smi}
}
PY="${PY:-}"
fact mode "$([[ $REHEARSE == 1 ]] && echo "rehearsal (cpu)" || echo "gpu")"
fact started "$(date -u +%Y-%m-%dT%H:%M:%SZ)"

# ---------------------------------------------------------------------------------------------------------------
step pack "what pack.sh made ($PACK)"
JAVA="$PACK/jre/bin/java"
JAR="$PACK/oneshot-bench-slim.jar"
for f in "$JAVA" "$JAR" "$PACK/reference/torch_reference.py" "$PACK/djl-jni/engines/pytorch/pytorch-native/CMakeLists.txt"; do
  [[ -e "$f" ]] || { PY="${PY:-python3}"; fail "$f missing: run tools/gpu-check/pack.sh on the dev machine and carry tools/gpu-check/pack"; }
done
[[ -f "$PACK/MANIFEST.txt" ]] && sed -n '1,5p' "$PACK/MANIFEST.txt" | sed 's/^/   /'

step java "the packed JRE"
JV="$("$JAVA" -version 2>&1 | head -1)" || fail "the packed JRE does not start: $JV"
fact java "$JV"

step python "Python and PyTorch"
if [[ -z "$PY" ]]; then
  for c in python3 /usr/bin/python3; do
    if command -v "$c" >/dev/null && "$c" -c 'import torch' 2>/dev/null; then PY="$(command -v "$c")"; break; fi
  done
fi
[[ -n "$PY" ]] || { PY=python3; fail "no python3 that imports torch (give one with --python)"; }
PY="$(command -v "$PY")"
fact python "$PY ($("$PY" -V 2>&1))"
eval "$("$PY" - <<'EOF'
import os, shlex, torch
def out(k, v): print(f"{k}={shlex.quote(str(v))}")
out("TORCH_VERSION", torch.__version__)
out("TORCH_DIR", os.path.dirname(torch.__file__))
out("TORCH_CUDA", torch.version.cuda or "")
out("TORCH_ABI", int(torch._C._GLIBCXX_USE_CXX11_ABI))
try:
    import torch.utils
    out("TORCH_CMAKE", torch.utils.cmake_prefix_path)
except Exception:
    out("TORCH_CMAKE", "")
ok = torch.cuda.is_available()
out("CUDA_OK", int(ok))
out("GPU_NAME", torch.cuda.get_device_name(0) if ok else "")
try:
    import torchvision
    out("TORCHVISION", torchvision.__version__)
except Exception as e:
    out("TORCHVISION", "missing (" + type(e).__name__ + ": " + str(e) + ")")
EOF
)" || fail "$PY cannot import torch"
fact torch "$TORCH_VERSION at $TORCH_DIR (CUDA ${TORCH_CUDA:-none}, C++11 ABI $TORCH_ABI)"
fact torchvision "$TORCHVISION"

step gpu "the GPU"
if [[ $REHEARSE == 1 ]]; then
  fact gpu "none used (rehearsal: everything runs on cpu; the GPU-only parts are skipped)"
else
  [[ $CUDA_OK == 1 ]] || fail "no GPU: torch.cuda.is_available() is False in $PY (torch $TORCH_VERSION, CUDA ${TORCH_CUDA:-none})"
  command -v nvidia-smi >/dev/null || fail "nvidia-smi not found (needed to sample GPU memory)"
  fact gpu "$GPU_NAME"
  fact nvidia-smi "$(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | head -1)"
fi

# ---------------------------------------------------------------------------------------------------------------
step libtorch "the libtorch DJL will load"
TORCH_LIB="${LIBTORCH:-$TORCH_DIR/lib}"
[[ -f "$TORCH_LIB/libtorch.so" ]] || fail "$TORCH_LIB/libtorch.so not found"
if [[ -n "$LIBTORCH" ]]; then
  PT_VERSION_="${LIBTORCH_VERSION:?--libtorch needs --libtorch-version}"
  [[ -e "$TORCH_LIB/libtorch_cuda.so" ]] && FLAVOR="cu${TORCH_CUDA//./}" || FLAVOR=cpu
else
  PT_VERSION_="$(echo "$TORCH_VERSION" | grep -oE '^[0-9]+\.[0-9]+\.[0-9]+')"
  [[ -n "$TORCH_CUDA" ]] && FLAVOR="cu${TORCH_CUDA//./}" || FLAVOR=cpu
fi
[[ $REHEARSE == 1 ]] || [[ $FLAVOR == cu* ]] || fail "$TORCH_LIB is a CPU build of libtorch"
# DJL takes a libdjl_torch.so found in the libtorch folder before any other: hide one there behind a folder of links
if compgen -G "$TORCH_LIB/*djl_torch*" >/dev/null; then
  VIEW="$WORK/libtorch-view"; rm -rf "$VIEW"; mkdir -p "$VIEW"
  for f in "$TORCH_LIB"/*; do [[ "$f" == *djl_torch* ]] || ln -s "$f" "$VIEW/"; done
  echo "   $TORCH_LIB holds a libdjl_torch.so of its own: DJL is pointed at $VIEW (links, without it)"
  TORCH_LIB="$VIEW"
fi
fact libtorch "$TORCH_LIB (PYTORCH_VERSION=$PT_VERSION_, PYTORCH_FLAVOR=$FLAVOR)"
JOPTS=(-Dai.djl.offline=true)
# DJL counts GPUs through libcudart (JNA, by the name "cudart"): give it the one next to this PyTorch
CUDART=""
if [[ $FLAVOR == cu* ]]; then
  SITE="$(dirname "$TORCH_DIR")"
  CUDART="$(find "$TORCH_LIB" "$SITE/nvidia" /usr/local/cuda/lib64 /usr/lib/x86_64-linux-gnu -maxdepth 3 \
    -name 'libcudart.so*' 2>/dev/null | sort -V | tail -1)"
  if [[ -n "$CUDART" ]]; then
    mkdir -p "$WORK/cudart"; ln -sf "$CUDART" "$WORK/cudart/libcudart.so"
    JOPTS+=("-Djna.library.path=$WORK/cudart")
    fact cudart "$CUDART"
  else
    fact cudart "not found (DJL will see 0 GPUs)"
  fi
fi
export PYTORCH_LIBRARY_PATH="$TORCH_LIB" PYTORCH_VERSION="$PT_VERSION_" PYTORCH_FLAVOR="$FLAVOR"
export ENGINE_CACHE_DIR="$WORK/djl-cache"
# as ./oneshot does: libtorch 2.7.1's oneDNN crashes in ResNeXt50's backward pass where the CPU cache topology is hidden
if [[ -z "${ONEDNN_MAX_CPU_ISA:-}" && ! -d /sys/devices/system/cpu/cpu0/cache ]]; then export ONEDNN_MAX_CPU_ISA=AVX; fi
JNI_DEST="$ENGINE_CACHE_DIR/pytorch/$PT_VERSION_-$FLAVOR-linux-x86_64/$DJL_VERSION-libdjl_torch.so"
mkdir -p "$(dirname "$JNI_DEST")"

# one run of `engine`: loads libtorch + the JNI in place, runs a product on each device; 0 when all is well
engine_check() {  # $1: label
  local log="$OUTDIR/engine-$1.log"
  "$JAVA" "${JOPTS[@]}" -cp "$JAR" com.oneshotct.worker.cli.BenchMain engine > "$log" 2>&1
  local rc=$?
  grep '^engine:' "$log" | sed 's/^/   /' | cut -c1-400
  [[ $rc == 0 ]] || return 1
  grep -q 'cpu() 64x64 product sums to 262144.0' "$log" || return 1
  [[ $REHEARSE == 1 ]] || grep -q 'gpu(0) 64x64 product sums to 262144.0' "$log" || return 1
}
engine_reason() {  # the undefined symbol when that is why (demangled where c++filt is here), else the first error line
  local sym; sym="$(grep -o -m1 'undefined symbol: [^ ]*' "$OUTDIR/engine-$1.log" | head -1)"
  if [[ -n "$sym" ]]; then
    echo "$sym$(command -v c++filt >/dev/null && echo " ($(c++filt "${sym#undefined symbol: }"))")"
  else
    grep -m1 'did not load\|Exception\|Error' "$OUTDIR/engine-$1.log" | cut -c1-300
  fi
}

# ---------------------------------------------------------------------------------------------------------------
step jni "DJL's JNI library for libtorch $PT_VERSION_ ($FLAVOR)"
JNI_OK=0
if [[ $BUILD_JNI == 0 ]]; then
  if [[ $FLAVOR == cu* ]]; then
    PACKED="$PACK/jni/jnilib/linux-x86_64/cu128/libdjl_torch.so"
  else  # the rehearsal: the CPU build is not packed, take it from Maven's copy of pytorch-jni
    PACKED="$WORK/jni-cpu/libdjl_torch.so"
    JNIJAR="$(ls "$HOME"/.m2/repository/ai/djl/pytorch/pytorch-jni/2.7.1-$DJL_VERSION/*.jar 2>/dev/null | head -1)"
    [[ -n "$JNIJAR" ]] && mkdir -p "$WORK/jni-cpu" && "$PY" -c 'import sys, zipfile; open(sys.argv[2], "wb").write(zipfile.ZipFile(sys.argv[1]).read("jnilib/linux-x86_64/cpu/libdjl_torch.so"))' "$JNIJAR" "$PACKED"
  fi
  if [[ -f "$PACKED" ]]; then
    cp "$PACKED" "$JNI_DEST"
    echo "   trying the packed JNI (built by DJL for libtorch 2.7.1): $PACKED"
    if engine_check packed; then
      JNI_OK=1; fact jni "packed pytorch-jni 2.7.1-$DJL_VERSION ($(basename "$(dirname "$PACKED")")) loads"
    else
      fact jni_packed "does not load against libtorch $PT_VERSION_: $(engine_reason packed)"
    fi
  else
    fact jni_packed "none for $FLAVOR"
  fi
fi

if [[ $JNI_OK == 0 ]]; then
  step jni-build "DJL $DJL_VERSION's JNI from source against $TORCH_LIB"
  SRC="$WORK/jni-src"; BLD="$WORK/jni-build"
  rm -rf "$SRC"; cp -r "$PACK/djl-jni" "$SRC"
  NATIVE="$SRC/engines/pytorch/pytorch-native"
  STAMP="$PT_VERSION_-$FLAVOR-$(stat -c %Y "$TORCH_LIB/libtorch.so" 2>/dev/null)"
  PTDEF=""; [[ "$PT_VERSION_" =~ ^(1\.13|2\.0|2\.1)\. ]] && PTDEF=V1_13_X
  GEN=(); command -v ninja >/dev/null && GEN=(-G Ninja)
  CM_PREFIX="$TORCH_CMAKE"; [[ -n "$LIBTORCH" ]] && CM_PREFIX="$(dirname "$TORCH_LIB")/share/cmake;$TORCH_CMAKE"
  command -v cmake >/dev/null || fail "cmake not found"
  fact cmake "$(cmake --version | head -1); compiler $(c++ --version 2>/dev/null | head -1)"
  BUILT=""
  if [[ -f "$BLD/libdjl_torch.so" && "$(cat "$BLD/stamp" 2>/dev/null)" == "$STAMP" && $BUILD_JNI == 0 ]]; then
    echo "   reusing $BLD/libdjl_torch.so built earlier for $STAMP"; BUILT="$BLD/libdjl_torch.so"
  else
    rm -rf "$BLD"
    # CMakeLists.txt wants JNI headers (packed: no JDK here) and finds Torch through CMAKE_PREFIX_PATH; USE_CUDA
    # stays off: it only adds emptyCache and TorchScript stream guards, and needs the CUDA toolkit's headers
    if cmake -S "$NATIVE" -B "$BLD" "${GEN[@]}" -DCMAKE_BUILD_TYPE=Release "-DCMAKE_PREFIX_PATH=$CM_PREFIX" \
        "-DJAVA_INCLUDE_PATH=$SRC/jni-include" "-DJAVA_INCLUDE_PATH2=$SRC/jni-include/linux" \
        -DJAVA_JVM_LIBRARY=NotNeeded "-DPT_VERSION=$PTDEF" > "$OUTDIR/jni-cmake.log" 2>&1; then
      grep -E 'Found Torch|Found JNI|Caffe2|CUDA|Build files' "$OUTDIR/jni-cmake.log" | sed 's/^/   /' | head -12
      fact jni_configure "ok ($(grep -m1 'Found Torch' "$OUTDIR/jni-cmake.log" | sed 's/^-- //'))"
      if [[ $CONFIGURE_ONLY == 1 ]]; then
        fact jni_build "not run (--configure-only; the rehearsal's default, --build-jni builds)"
      else
        echo "   building with $(nproc) jobs (log: jni-build.log)"
        START=$SECONDS
        cmake --build "$BLD" -j "$(nproc)" > "$OUTDIR/jni-build.log" 2>&1 \
          || fail "the JNI does not compile against libtorch $PT_VERSION_: $(grep -m1 -E 'error' "$OUTDIR/jni-build.log" | cut -c1-300)"
        BUILT="$BLD/libdjl_torch.so"; echo "$STAMP" > "$BLD/stamp"
        fact jni_build "ok in $((SECONDS - START)) s"
      fi
    else
      tail -5 "$OUTDIR/jni-cmake.log" | sed 's/^/   /'
      fail "CMake configure failed against $TORCH_LIB (jni-cmake.log): $(grep -m1 -A1 'CMake Error' "$OUTDIR/jni-cmake.log" | tr '\n' ' ' | cut -c1-300)"
    fi
  fi
  if [[ -n "$BUILT" ]]; then
    cp "$BUILT" "$JNI_DEST"
    cp "$BUILT" "$OUTDIR/libdjl_torch-$DJL_VERSION-torch$PT_VERSION_-$FLAVOR.so"   # comes back: pack it next time
    if engine_check built; then
      JNI_OK=1; fact jni "built from DJL $DJL_VERSION sources against libtorch $PT_VERSION_, loads"
    else
      fail "the JNI built against libtorch $PT_VERSION_ does not load: $(engine_reason built)"
    fi
  fi
fi
if [[ $JNI_OK == 0 ]]; then
  fail "no JNI library loads against libtorch $PT_VERSION_ (the packed one does not; the build stopped after configure)"
fi

# ---------------------------------------------------------------------------------------------------------------
# nvidia-smi sampling (device-wide MiB in use, every 0.2 s) around each run; the idle reading before is subtracted
SMI_OK=""
[[ $DEVICE == gpu ]] && SMI_OK=1
sample_start() {  # $1: label
  [[ -n "$SMI_OK" ]] || return 0
  nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits -i 0 > "$OUTDIR/smi-$1.idle" 2>/dev/null
  nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits -i 0 -lms 200 > "$OUTDIR/smi-$1.csv" 2>/dev/null &
  SMI_PID=$!
}
sample_stop() {
  if [[ -n "$SMI_OK" ]]; then kill "$SMI_PID" 2>/dev/null; wait "$SMI_PID" 2>/dev/null; fi
  return 0
}

step bench "ours: bench iteration --device $DEVICE, configs $CONFIGS, $ITERS timed after $WARMUP warm-up"
IFS=, read -ra CFGS <<< "$CONFIGS"
for c in "${CFGS[@]}"; do
  echo "   -- $c (one JVM, so each configuration's GPU memory is its own)"
  sample_start "ours-$c"
  "$JAVA" "${JOPTS[@]}" -cp "$JAR" com.oneshotct.worker.cli.BenchMain iteration --device "$DEVICE" --configs "$c" \
    --iters "$ITERS" --warmup "$WARMUP" --no-reference --json > "$OUTDIR/ours-$c.json" 2> "$OUTDIR/ours-$c.log"
  rc=$?
  sample_stop
  sed 's/^/   /' "$OUTDIR/ours-$c.log" | grep -v '^   \[main\] INFO' | tail -12
  [[ $rc == 0 ]] || fail "bench iteration --configs $c exited $rc: $(grep -m1 -E '^error|Exception' "$OUTDIR/ours-$c.log" | cut -c1-300)"
done

step reference "torch_reference.py --device $([[ $DEVICE == gpu ]] && echo cuda || echo cpu)"
if [[ $REFERENCE == 0 ]]; then
  fact reference "skipped (--no-reference)"
elif [[ "$TORCHVISION" == missing* ]]; then
  fact reference "skipped: torchvision $TORCHVISION"
else
  sample_start reference
  "$PY" "$PACK/reference/torch_reference.py" --device "$([[ $DEVICE == gpu ]] && echo cuda || echo cpu)" \
    --threads 2 --iters "$ITERS" --warmup "$WARMUP" > "$OUTDIR/reference.log" 2>&1
  rc=$?
  sample_stop
  sed 's/^/   /' "$OUTDIR/reference.log" | grep -v '^   {' | tail -8
  [[ $rc == 0 ]] || fail "torch_reference.py exited $rc: $(tail -1 "$OUTDIR/reference.log" | cut -c1-300)"
  tail -1 "$OUTDIR/reference.log" > "$OUTDIR/reference.json"
fi

step summary "$OUTDIR/summary.txt and summary.json"
fact finished "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
summarize || fail "summarize.py failed"
