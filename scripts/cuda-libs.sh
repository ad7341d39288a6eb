# Sourced by the gradreg launchers (./gradreg and the offline bundle's bin/gradreg): puts CUDA 13's
# libraries on LD_LIBRARY_PATH for --device cuda. gradreg never ships them; it uses the user's:
#   GRADREG_CUDA_LIBS   folders holding libcudart.so.13, libcublas.so.13, libcublasLt.so.13,
#                       libnvrtc.so.13 (':'-separated); when set, nothing else is searched
# otherwise the folders that hold them among: /usr/local/cuda/lib64 (a CUDA toolkit) and NVIDIA's pip
# wheels of the python3 on the PATH (nvidia-cuda-runtime, nvidia-cublas, nvidia-cuda-nvrtc, as
# PyTorch installs them). The driver's libcuda.so.1 comes from the system's library path.
gradreg_cuda_libs() {
  local dirs="${GRADREG_CUDA_LIBS:-}"
  if [ -z "$dirs" ]; then
    local d
    for d in /usr/local/cuda/lib64 /usr/local/cuda/targets/x86_64-linux/lib; do
      if [ -e "$d/libcudart.so.13" ] || [ -e "$d/libcublas.so.13" ]; then dirs="$dirs:$d"; fi
    done
    if command -v python3 >/dev/null 2>&1; then
      local py
      py="$(python3 - 2>/dev/null <<'PY' || true
import glob, os
try:
    import nvidia
    roots = list(nvidia.__path__)
except Exception:
    roots = []
seen = []
for r in roots:
    for f in sorted(glob.glob(os.path.join(r, "**", "lib*.so.*"), recursive=True)):
        d, b = os.path.dirname(f), os.path.basename(f)
        if d not in seen and (".so.13" in b or b.startswith("libcudnn")):
            seen.append(d)
print(":".join(seen))
PY
)"
      if [ -n "$py" ]; then dirs="$dirs:$py"; fi
    fi
  fi
  dirs="${dirs#:}"
  if [ -n "$dirs" ]; then export LD_LIBRARY_PATH="$dirs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"; fi
}
