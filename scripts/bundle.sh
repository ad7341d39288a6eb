#!/usr/bin/env bash
# Writes the offline bundle: one .tar.xz holding a jlink-trimmed Java 17, gradreg's runtime jars and
# a launcher, that runs `gradreg` on a Linux x86-64 machine with no Java, no Maven and no network —
# with, for --device cuda, only the NVIDIA driver and CUDA 13's libraries (never bundled).
#
#   scripts/bundle.sh [OUT.tar.xz]          (default: out/gradreg-bundle.tar.xz)
#   tar -xJf gradreg-bundle.tar.xz && gradreg/bin/gradreg check-device --device cuda
#
# Size: the jars are re-packed without compression and native libraries stripped of their symbol
# tables, so that xz compresses the whole archive at once with a dictionary that holds ND4J's CPU
# library (300 MB, most of the bundle) whole. Java's desktop module (AWT: the PNG figures of report,
# toy, reproduce and bench --memory-steps) is left out, saving 4.5 MB; BUNDLE_PLOTS=1 keeps it.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$(realpath -m "${1:-$here/out/gradreg-bundle.tar.xz}")"
cd "$here"
echo "bundle: building ..." >&2
./mvnw -q -B -DskipTests package >&2
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
root="$work/gradreg"
mkdir -p "$root/lib" "$root/bin" "$root/scripts"
echo "bundle: jlink ..." >&2
modules=java.base,java.compiler,java.logging,java.management,java.naming,java.sql,java.xml,jdk.management,jdk.unsupported
if [ "${BUNDLE_PLOTS:-0}" = 1 ]; then modules="$modules,java.desktop"; fi
jlink --add-modules "$modules" --strip-debug --no-header-files --no-man-pages --compress=0 \
  --strip-native-debug-symbols exclude-debuginfo-files --output "$root/jre"
echo "bundle: re-packing the jars ..." >&2
python3 - "$root/lib" app/target/gradreg-app-*.jar app/target/lib/*.jar <<'PY'
import os, re, subprocess, sys, tempfile, zipfile
dest, jars = sys.argv[1], sys.argv[2:]
# XChart's vector (PDF/SVG) export, which gradreg never calls
UNUSED_JARS = re.compile(r"^(pdfbox|pdfbox-io|fontbox|graphics2d|VectorGraphics2D)-.*\.jar$")
# of JavaCPP's CUDA bindings, only the runtime/driver API, cuBLAS and NVRTC are used
CUDA_JNI = re.compile(r"org/bytedeco/cuda/linux-x86_64/libjni(.*)\.so$")
KEEP_CUDA = {"cudart", "cublas", "nvrtc"}
for jar in jars:
    name = os.path.basename(jar)
    if UNUSED_JARS.match(name):
        continue
    with zipfile.ZipFile(jar) as src, zipfile.ZipFile(os.path.join(dest, name), "w", zipfile.ZIP_STORED) as dst:
        for info in src.infolist():
            m = CUDA_JNI.search(info.filename)
            if m and m.group(1) not in KEEP_CUDA:
                continue
            if info.filename.startswith("META-INF/native-image/") or re.search(r"/linux-x86_64/include/.*\.h$", info.filename):
                continue
            data = src.read(info)
            if info.filename.endswith(".so") or ".so." in os.path.basename(info.filename):
                with tempfile.NamedTemporaryFile(delete=False) as t:
                    t.write(data)
                try:
                    if subprocess.run(["strip", "--strip-unneeded", t.name], capture_output=True).returncode == 0:
                        data = open(t.name, "rb").read()
                finally:
                    os.unlink(t.name)
            out = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            out.external_attr = info.external_attr
            dst.writestr(out, data, zipfile.ZIP_STORED)
PY
cp scripts/cuda-libs.sh scripts/memory-opts.sh "$root/scripts/"
cp -r examples bench "$root/"
cat > "$root/bin/gradreg" <<'SH'
#!/usr/bin/env bash
# gradreg from the offline bundle: its own Java, its own jars. JAVA_OPTS passes JVM options
# (without a heap size there, the heap and ND4J's limits are sized from the cgroup's or host's
# memory: scripts/memory-opts.sh). --device cuda needs the NVIDIA driver and CUDA 13's libraries (GRADREG_CUDA_LIBS;
# see scripts/cuda-libs.sh).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
case " $* " in
  *cuda*|*check-device*) . "$root/scripts/cuda-libs.sh"; gradreg_cuda_libs ;;
esac
. "$root/scripts/memory-opts.sh"
jvm=(${JAVA_OPTS:-} $(gradreg_memory_opts "${JAVA_OPTS:-}"))
exec "$root/jre/bin/java" ${jvm[@]+"${jvm[@]}"} -Djava.awt.headless=true -cp "$root/lib/*" org.gradreg.app.Gradreg "$@"
SH
chmod +x "$root/bin/gradreg"
git -C "$here" rev-parse HEAD > "$root/COMMIT" 2>/dev/null || echo unknown > "$root/COMMIT"
mkdir -p "$(dirname "$out")"
echo "bundle: compressing (xz, 320 MiB dictionary; several minutes) ..." >&2
tar -C "$work" -cf - gradreg | xz -T1 --lzma2=preset=9e,dict=320MiB > "$out.tmp"
mv "$out.tmp" "$out"
du -h "$out" >&2
echo "$out"
