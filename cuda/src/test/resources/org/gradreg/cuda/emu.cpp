// A thread-by-thread CPU emulator of gradreg's CUDA kernels, for tests on machines without a GPU.
// kernels.cu is compiled here as C++ twice (real = float, real = double); a launch runs every
// (block, thread) of the grid in turn, which is exact for kernels whose threads do not communicate
// (the style kernels.cu keeps). GEMM is a plain column-major loop with cuBLAS's semantics.
#define GRADREG_EMULATOR 1
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <string>
#include <type_traits>
#include <utility>

typedef long long i64;
typedef unsigned long long u64;
struct Dim3 { unsigned x, y, z; };
static Dim3 threadIdx, blockIdx, blockDim, gridDim;
#define GR_KERNEL inline
#define GR_DEVICE inline

namespace kf {
#define real float
#include "kernels.cu"
#undef real
}
namespace kd {
#define real double
#include "kernels.cu"
#undef real
}

typedef std::function<void(void**)> Call;

template <typename... A, std::size_t... I>
static void call(void (*f)(A...), void** args, std::index_sequence<I...>) {
    f(*reinterpret_cast<typename std::remove_reference<A>::type*>(args[I])...);
}

template <typename... A>
static Call wrap(void (*f)(A...)) {
    return [f](void** args) { call(f, args, std::index_sequence_for<A...>{}); };
}

static std::map<std::string, std::pair<Call, Call>>& table() {
    static std::map<std::string, std::pair<Call, Call>> t = {
#include "emu_table.inc"
    };
    return t;
}

template <typename T>
static void gemm(int ta, int tb, int m, int n, int k, double alpha, const T* a, int lda, i64 sa, const T* b, int ldb, i64 sb,
                 double beta, T* c, int ldc, i64 sc, int batch) {
    for (int q = 0; q < batch; q++) {
        const T* A = a + q * sa;
        const T* B = b + q * sb;
        T* C = c + q * sc;
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < m; i++) {
                double s = 0;
                for (int l = 0; l < k; l++) {
                    double x = ta ? A[l + (i64) i * lda] : A[i + (i64) l * lda];
                    double y = tb ? B[j + (i64) l * ldb] : B[l + (i64) j * ldb];
                    s += x * y;
                }
                T* out = C + i + (i64) j * ldc;
                *out = (T) (alpha * s + (beta == 0 ? 0.0 : beta * (double) *out));
            }
        }
    }
}

extern "C" {

int emu_launch(const char* name, int dbl, int grid, int block, void** args) {
    auto it = table().find(name);
    if (it == table().end()) return 1;
    Call& f = dbl ? it->second.second : it->second.first;
    gridDim = {(unsigned) grid, 1, 1};
    blockDim = {(unsigned) block, 1, 1};
    for (int b = 0; b < grid; b++) {
        blockIdx = {(unsigned) b, 0, 0};
        for (int t = 0; t < block; t++) {
            threadIdx = {(unsigned) t, 0, 0};
            f(args);
        }
    }
    return 0;
}

void* emu_malloc(i64 bytes) {
    void* p = nullptr;
    if (posix_memalign(&p, 256, (size_t) (bytes > 0 ? bytes : 1)) != 0) return nullptr;
    memset(p, 0, (size_t) (bytes > 0 ? bytes : 1));
    return p;
}

void emu_free(void* p) { free(p); }

void emu_memset0(void* p, i64 bytes) { memset(p, 0, (size_t) bytes); }

void emu_memcpy(void* dst, const void* src, i64 bytes) { memcpy(dst, src, (size_t) bytes); }

void emu_gemm(int dbl, int ta, int tb, int m, int n, int k, double alpha, void* a, int lda, i64 sa, void* b, int ldb, i64 sb,
              double beta, void* c, int ldc, i64 sc, int batch) {
    if (dbl) {
        gemm<double>(ta, tb, m, n, k, alpha, (const double*) a, lda, sa, (const double*) b, ldb, sb, beta, (double*) c, ldc, sc, batch);
    } else {
        gemm<float>(ta, tb, m, n, k, alpha, (const float*) a, lda, sa, (const float*) b, ldb, sb, beta, (float*) c, ldc, sc, batch);
    }
}
}
