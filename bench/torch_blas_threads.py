"""Cap the OpenBLAS that PyTorch has loaded to a thread count (a companion of the PyTorch-side benchmark scripts).

torch.set_num_threads(n) caps PyTorch's own (OpenMP) threads but not the thread pool of the BLAS it
calls for matmul, addmm and bmm: Debian's python3-torch with libopenblas0-pthread runs those GEMMs on
OpenBLAS's pthread pool, one thread per core, whatever torch.set_num_threads says (measured on the
project's 2-core machine, 2026-12-08: ViT-Ti's "one-thread" step took 1.7-1.9 s of process CPU per
0.83-0.98 s of wall time; with the pool capped, 1.18-1.22 s of both). So a "one-thread" PyTorch
figure without this cap compares against two cores for its GEMMs. blas_threads(n) finds the loaded
OpenBLAS in /proc/self/maps, calls its openblas_set_num_threads(n) and returns what
openblas_get_num_threads() then says (None where no OpenBLAS is loaded or the call is missing).
OPENBLAS_NUM_THREADS in the environment does the same if set before torch is imported.
"""
import ctypes


def blas_threads(n):
    paths = []
    try:
        with open("/proc/self/maps") as maps:
            for line in maps:
                path = line.split()[-1] if len(line.split()) >= 6 else ""
                if ("openblas" in path or "libblas" in path) and path not in paths:
                    paths.append(path)
    except OSError:
        return None
    for path in paths:
        try:
            lib = ctypes.CDLL(path)
            lib.openblas_set_num_threads(ctypes.c_int(n))
            return int(lib.openblas_get_num_threads())
        except (OSError, AttributeError):
            continue
    return None
