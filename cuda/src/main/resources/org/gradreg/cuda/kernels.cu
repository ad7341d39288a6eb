// gradreg's CUDA kernels: the element-wise, row-wise and layout work of the model engines (the
// dense products are cuBLAS's). Compiled at run time by NVRTC for the GPU's own architecture, once
// per element type: the compiler defines `real` as float or double.
//
// Style: every kernel is a grid-stride loop in which each thread's work is independent of every
// other thread's (no shared memory, no barriers, no warp shuffles). Row-wise kernels give one row
// to one thread. This keeps each kernel short and lets the tests run this very file, compiled as
// C++ with a thread-by-thread emulator, against the CPU backend on machines without a GPU.
//
// Index arithmetic is 64-bit (i64); sizes are passed as i64, small dimensions as int, scalars as
// double (converted to `real` inside).

#ifndef GRADREG_EMULATOR
#define GR_KERNEL extern "C" __global__
#define GR_DEVICE __device__ __forceinline__
typedef long long i64;
typedef unsigned long long u64;
#endif

#define GRID_LOOP(i, n) for (i64 i = (i64) blockIdx.x * blockDim.x + threadIdx.x; i < (n); i += (i64) blockDim.x * gridDim.x)

GR_DEVICE float r_exp(float x) { return expf(x); }
GR_DEVICE double r_exp(double x) { return exp(x); }
GR_DEVICE float r_log(float x) { return logf(x); }
GR_DEVICE double r_log(double x) { return log(x); }
GR_DEVICE float r_erf(float x) { return erff(x); }
GR_DEVICE double r_erf(double x) { return erf(x); }
GR_DEVICE float r_sqrt(float x) { return sqrtf(x); }
GR_DEVICE double r_sqrt(double x) { return sqrt(x); }
GR_DEVICE float r_max(float a, float b) { return fmaxf(a, b); }
GR_DEVICE double r_max(double a, double b) { return fmax(a, b); }

// ---- element-wise ----

GR_KERNEL void gr_fill(i64 n, real* x, double v) {
    real c = (real) v;
    GRID_LOOP(i, n) { x[i] = c; }
}

// out = a + b (out may alias a or b)
GR_KERNEL void gr_add(i64 n, const real* a, const real* b, real* out) {
    GRID_LOOP(i, n) { out[i] = a[i] + b[i]; }
}

GR_KERNEL void gr_add_inplace(i64 n, real* y, const real* x) {
    GRID_LOOP(i, n) { y[i] += x[i]; }
}

GR_KERNEL void gr_mul_inplace(i64 n, real* x, const real* m) {
    GRID_LOOP(i, n) { x[i] *= m[i]; }
}

// y[i, :] += bias for rows of d
GR_KERNEL void gr_add_row_vector(i64 n, int d, real* y, const real* bias) {
    GRID_LOOP(i, n) { y[i] += bias[i % d]; }
}

GR_KERNEL void gr_relu(i64 n, real* x) {
    GRID_LOOP(i, n) { if (!(x[i] > (real) 0)) x[i] = (real) 0; }
}

// g = 0 where y <= 0
GR_KERNEL void gr_relu_backward(i64 n, const real* y, real* g) {
    GRID_LOOP(i, n) { if (!(y[i] > (real) 0)) g[i] = (real) 0; }
}

// Inverted-dropout mask from the counter-based generator (DropoutHash in Java): SplitMix64's output
// function of seed + (i + 1)·0x9E3779B97F4A7C15, top 53 bits as a double in [0, 1).
GR_KERNEL void gr_dropout_mask(i64 n, real* m, double rate, i64 seed) {
    real keep = (real) (1.0 / (1.0 - rate));
    GRID_LOOP(i, n) {
        u64 z = (u64) seed + ((u64) i + 1ULL) * 0x9E3779B97F4A7C15ULL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        z = z ^ (z >> 31);
        double u = (double) (z >> 11) * 1.1102230246251565e-16; // 2^-53
        m[i] = u < rate ? (real) 0 : keep;
    }
}

// ---- transformer layers ----

// exact GELU: cdf = Φ(x), y = x·Φ(x)
GR_KERNEL void gr_gelu_forward(i64 n, const real* x, real* cdf, real* y) {
    GRID_LOOP(i, n) {
        real v = x[i];
        real c = (real) 0.5 * ((real) 1 + r_erf(v * (real) 0.70710678118654752440));
        cdf[i] = c;
        y[i] = v * c;
    }
}

// dy *= Φ(x) + x·φ(x)
GR_KERNEL void gr_gelu_backward(i64 n, const real* x, const real* cdf, real* dy) {
    GRID_LOOP(i, n) {
        real v = x[i];
        real d = cdf[i] + v * r_exp((real) -0.5 * v * v) * (real) 0.39894228040143267794;
        dy[i] *= d;
    }
}

// layer norm over rows of d: xhat = (x − μ)·rstd, rstd = 1/√(σ² + ε) (biased σ²), y = xhat·γ + β
GR_KERNEL void gr_layer_norm_forward(i64 rows, int d, const real* x, const real* gamma, const real* beta, double eps, real* xhat,
                                     real* rstd, real* y) {
    GRID_LOOP(r, rows) {
        const real* xr = x + r * d;
        real mu = 0;
        for (int j = 0; j < d; j++) mu += xr[j];
        mu /= (real) d;
        real var = 0;
        for (int j = 0; j < d; j++) { real c = xr[j] - mu; var += c * c; }
        var /= (real) d;
        real s = (real) 1 / r_sqrt(var + (real) eps);
        rstd[r] = s;
        real* hr = xhat + r * d;
        real* yr = y + r * d;
        for (int j = 0; j < d; j++) {
            real h = (xr[j] - mu) * s;
            hr[j] = h;
            yr[j] = h * gamma[j] + beta[j];
        }
    }
}

// t = dy ⊙ xhat (for dγ by column sums)
GR_KERNEL void gr_mul(i64 n, const real* a, const real* b, real* out) {
    GRID_LOOP(i, n) { out[i] = a[i] * b[i]; }
}

// dx = (dy·γ − xhat·mean(dy·γ·xhat) − mean(dy·γ))·rstd per row
GR_KERNEL void gr_layer_norm_backward(i64 rows, int d, const real* dy, const real* xhat, const real* rstd, const real* gamma,
                                      real* dx) {
    GRID_LOOP(r, rows) {
        const real* g = dy + r * d;
        const real* h = xhat + r * d;
        real m1 = 0;
        real m2 = 0;
        for (int j = 0; j < d; j++) {
            real gg = g[j] * gamma[j];
            m1 += gg;
            m2 += gg * h[j];
        }
        m1 /= (real) d;
        m2 /= (real) d;
        real s = rstd[r];
        real* o = dx + r * d;
        for (int j = 0; j < d; j++) o[j] = (g[j] * gamma[j] - h[j] * m2 - m1) * s;
    }
}

// softmax of rows of `cols`, in place
GR_KERNEL void gr_softmax_rows(i64 rows, int cols, real* s) {
    GRID_LOOP(r, rows) {
        real* p = s + r * cols;
        real m = p[0];
        for (int j = 1; j < cols; j++) m = r_max(m, p[j]);
        real sum = 0;
        for (int j = 0; j < cols; j++) { real e = r_exp(p[j] - m); p[j] = e; sum += e; }
        for (int j = 0; j < cols; j++) p[j] /= sum;
    }
}

// dp = p ⊙ (dp − Σ dp ⊙ p) per row
GR_KERNEL void gr_softmax_backward(i64 rows, int cols, real* dp, const real* p) {
    GRID_LOOP(r, rows) {
        real* g = dp + r * cols;
        const real* q = p + r * cols;
        real dot = 0;
        for (int j = 0; j < cols; j++) dot += g[j] * q[j];
        for (int j = 0; j < cols; j++) g[j] = (g[j] - dot) * q[j];
    }
}

// per row of logits [B, C]: loss[r] = −Σ t·log softmax; dlogits (if not null) = (softmax − t)/B
GR_KERNEL void gr_cross_entropy(i64 rows, int cols, const real* logits, const real* target, real* loss, real* dlogits) {
    GRID_LOOP(r, rows) {
        const real* x = logits + r * cols;
        const real* t = target + r * cols;
        real m = x[0];
        for (int j = 1; j < cols; j++) m = r_max(m, x[j]);
        real sum = 0;
        for (int j = 0; j < cols; j++) sum += r_exp(x[j] - m);
        real lse = r_log(sum);
        real l = 0;
        for (int j = 0; j < cols; j++) l -= t[j] * (x[j] - m - lse);
        loss[r] = l;
        if (dlogits != 0) {
            real* d = dlogits + r * cols;
            for (int j = 0; j < cols; j++) d[j] = (r_exp(x[j] - m) / sum - t[j]) / (real) rows;
        }
    }
}

// x[b, t, :] += pos[t, :] + (t == 0 ? cls : bias) over x [B·T, D]
GR_KERNEL void gr_token_embedding(i64 n, int tokens, int dim, real* x, const real* pos, const real* cls, const real* bias) {
    GRID_LOOP(i, n) {
        i64 td = i % ((i64) tokens * dim);
        int t = (int) (td / dim);
        int d = (int) (td % dim);
        real term = pos[td] + (t == 0 ? cls[d] : bias[d]);
        x[i] += term;
    }
}

// from dterm [T, D] (Σ over the batch): dpos += dterm, dcls += dterm[0], dbias += Σ_{t≥1} dterm[t]
GR_KERNEL void gr_token_embedding_backward(int tokens, int dim, const real* dterm, real* dpos, real* dcls, real* dbias) {
    GRID_LOOP(d, dim) {
        dcls[d] += dterm[d];
        real s = 0;
        for (int t = 1; t < tokens; t++) s += dterm[(i64) t * dim + d];
        dbias[d] += s;
    }
}

// out[b, :] = x[b·T, :]
GR_KERNEL void gr_gather_first_tokens(i64 n, int tokens, int dim, const real* x, real* out) {
    GRID_LOOP(i, n) {
        i64 b = i / dim;
        int d = (int) (i % dim);
        out[i] = x[b * tokens * dim + d];
    }
}

// dx [B·T, D] = 0 except dx[b·T, :] = src[b, :]
GR_KERNEL void gr_scatter_first_tokens(i64 n, int tokens, int dim, const real* src, real* dx) {
    GRID_LOOP(i, n) {
        i64 row = i / dim;
        int d = (int) (i % dim);
        dx[i] = row % tokens == 0 ? src[(row / tokens) * dim + d] : (real) 0;
    }
}

// ---- convolutions: columns [K, B·P], K = in·k·k in (c, kh, kw) order, column j = b·P + oh·OW + ow ----

GR_KERNEL void gr_im2col(i64 n, int batch, int cin, int h, int w, int k, int stride, int pad, int oh, int ow, const real* x,
                         real* cols) {
    GRID_LOOP(i, n) {
        i64 bp = (i64) batch * oh * ow;
        i64 row = i / bp;
        i64 col = i % bp;
        int kw = (int) (row % k);
        int kh = (int) ((row / k) % k);
        int c = (int) (row / ((i64) k * k));
        int b = (int) (col / ((i64) oh * ow));
        int p = (int) (col % ((i64) oh * ow));
        int y = (p / ow) * stride - pad + kh;
        int z = (p % ow) * stride - pad + kw;
        cols[i] = (y >= 0 && y < h && z >= 0 && z < w) ? x[(((i64) b * cin + c) * h + y) * w + z] : (real) 0;
    }
}

// dx[b, c, y, z] = Σ over the (kh, kw, oy, ox) that read it of dcols
GR_KERNEL void gr_col2im(i64 n, int batch, int cin, int h, int w, int k, int stride, int pad, int oh, int ow, const real* cols,
                         real* dx) {
    GRID_LOOP(i, n) {
        int z = (int) (i % w);
        int y = (int) ((i / w) % h);
        int c = (int) ((i / ((i64) w * h)) % cin);
        int b = (int) (i / ((i64) w * h * cin));
        i64 bp = (i64) batch * oh * ow;
        real s = 0;
        for (int kh = 0; kh < k; kh++) {
            int ty = y + pad - kh;
            if (ty < 0 || ty % stride != 0) continue;
            int oy = ty / stride;
            if (oy >= oh) continue;
            for (int kw = 0; kw < k; kw++) {
                int tz = z + pad - kw;
                if (tz < 0 || tz % stride != 0) continue;
                int ox = tz / stride;
                if (ox >= ow) continue;
                i64 row = ((i64) c * k + kh) * k + kw;
                s += cols[row * bp + (i64) b * oh * ow + (i64) oy * ow + ox];
            }
        }
        dx[i] = s;
    }
}

// kernel [k, k, in, out] (HWIO) -> matrix [out, in·k·k] in the columns' (c, kh, kw) order
GR_KERNEL void gr_kernel_to_matrix(i64 n, int k, int cin, int cout, const real* w, real* wt) {
    GRID_LOOP(i, n) {
        i64 kk = (i64) cin * k * k;
        int co = (int) (i / kk);
        i64 r = i % kk;
        int kw = (int) (r % k);
        int kh = (int) ((r / k) % k);
        int c = (int) (r / ((i64) k * k));
        wt[i] = w[(((i64) kh * k + kw) * cin + c) * cout + co];
    }
}

// the inverse: matrix [out, in·k·k] -> kernel [k, k, in, out]
GR_KERNEL void gr_matrix_to_kernel(i64 n, int k, int cin, int cout, const real* wt, real* w) {
    GRID_LOOP(i, n) {
        int co = (int) (i % cout);
        int c = (int) ((i / cout) % cin);
        int kw = (int) ((i / ((i64) cout * cin)) % k);
        int kh = (int) (i / ((i64) cout * cin * k));
        w[i] = wt[(i64) co * cin * k * k + ((i64) c * k + kh) * k + kw];
    }
}

// [B, C, P] -> [C, B, P]
GR_KERNEL void gr_nchw_to_cnhw(i64 n, int batch, int c, i64 p, const real* x, real* y) {
    GRID_LOOP(i, n) {
        i64 q = i % p;
        int b = (int) ((i / p) % batch);
        int ch = (int) (i / (p * batch));
        y[i] = x[((i64) b * c + ch) * p + q];
    }
}

// [C, B, P] -> [B, C, P]
GR_KERNEL void gr_cnhw_to_nchw(i64 n, int batch, int c, i64 p, const real* x, real* y) {
    GRID_LOOP(i, n) {
        i64 q = i % p;
        int ch = (int) ((i / p) % c);
        int b = (int) (i / (p * c));
        y[i] = x[((i64) ch * batch + b) * p + q];
    }
}

// ---- batch norm over (N, H, W) of [N, C, P]; per-channel sums come from cuBLAS products with ones ----

// xhat = x − mean[c] (xhat may alias x)
GR_KERNEL void gr_bn_center(i64 n, int c, i64 p, const real* x, const real* mean, real* xhat) {
    GRID_LOOP(i, n) { xhat[i] = x[i] - mean[(i / p) % c]; }
}

GR_KERNEL void gr_square(i64 n, const real* x, real* y) {
    GRID_LOOP(i, n) { y[i] = x[i] * x[i]; }
}

// per channel, after the batch's mean and biased variance are in place (training) or to take the
// running statistics as mean and variance (evaluation): the training update of the running
// statistics (torch's rule, unbiased variance), and rstd = 1/√(var + ε)
GR_KERNEL void gr_bn_statistics(int c, double count, int evaluation, int update, double momentum, double eps, real* mean,
                                real* var, real* runMean, real* runVar, real* rstd) {
    GRID_LOOP(i, c) {
        if (evaluation) {
            mean[i] = runMean[i];
            var[i] = runVar[i];
        } else if (update) {
            real m = (real) momentum;
            runMean[i] = ((real) 1 - m) * runMean[i] + m * mean[i];
            real unbiased = (real) (count / (count > 1 ? count - 1 : 1.0));
            runVar[i] = ((real) 1 - m) * runVar[i] + m * unbiased * var[i];
        }
        rstd[i] = (real) 1 / r_sqrt(var[i] + (real) eps);
    }
}

GR_KERNEL void gr_scale(i64 n, real* x, double s) {
    real f = (real) s;
    GRID_LOOP(i, n) { x[i] *= f; }
}

// xhat *= rstd[c]; y = xhat·γ[c] + β[c]; ReLU; mask (may be null)
GR_KERNEL void gr_bn_apply(i64 n, int c, i64 p, real* xhat, const real* rstd, const real* gamma, const real* beta, int relu,
                           const real* mask, real* y) {
    GRID_LOOP(i, n) {
        int ch = (int) ((i / p) % c);
        real h = xhat[i] * rstd[ch];
        xhat[i] = h;
        real v = h * gamma[ch] + beta[ch];
        if (relu && !(v > (real) 0)) v = (real) 0;
        if (mask != 0) v *= mask[i];
        y[i] = v;
    }
}

// g *= mask (may be null); g = 0 where y <= 0 if relu
GR_KERNEL void gr_bn_grad_in(i64 n, int relu, const real* mask, const real* y, real* g) {
    GRID_LOOP(i, n) {
        real v = g[i];
        if (mask != 0) v *= mask[i];
        if (relu && !(y[i] > (real) 0)) v = (real) 0;
        g[i] = v;
    }
}

// coef = γ·rstd per channel
GR_KERNEL void gr_bn_coef(int c, const real* gamma, const real* rstd, real* coef) {
    GRID_LOOP(i, c) { coef[i] = gamma[i] * rstd[i]; }
}

// training: dx = coef·(g − dβ/n − xhat·dγ/n); evaluation: dx = coef·g
GR_KERNEL void gr_bn_backward(i64 n, int c, i64 p, double count, int evaluation, const real* g, const real* xhat, const real* coef,
                              const real* dgamma, const real* dbeta, real* dx) {
    GRID_LOOP(i, n) {
        int ch = (int) ((i / p) % c);
        if (evaluation) {
            dx[i] = g[i] * coef[ch];
        } else {
            real inv = (real) (1.0 / count);
            dx[i] = (g[i] - dbeta[ch] * inv - xhat[i] * (dgamma[ch] * inv)) * coef[ch];
        }
    }
}

// ---- pooling (NCHW) ----

GR_KERNEL void gr_max_pool2(i64 n, int h, int w, const real* x, real* y) {
    GRID_LOOP(i, n) {
        int oh = h / 2;
        int ow = w / 2;
        int ox = (int) (i % ow);
        int oy = (int) ((i / ow) % oh);
        i64 plane = i / ((i64) ow * oh);
        const real* s = x + plane * h * w + (i64) (2 * oy) * w + 2 * ox;
        real m = s[0];
        if (s[1] > m) m = s[1];
        if (s[w] > m) m = s[w];
        if (s[w + 1] > m) m = s[w + 1];
        y[i] = m;
    }
}

// dx = dy routed to the first maximum of each window (scan order), 0 elsewhere
GR_KERNEL void gr_max_pool2_backward(i64 n, int h, int w, const real* x, const real* dy, real* dx) {
    GRID_LOOP(i, n) {
        int oh = h / 2;
        int ow = w / 2;
        int z = (int) (i % w);
        int y = (int) ((i / w) % h);
        i64 plane = i / ((i64) w * h);
        int oy = y / 2;
        int ox = z / 2;
        real out = 0;
        if (oy < oh && ox < ow) {
            const real* s = x + plane * h * w + (i64) (2 * oy) * w + 2 * ox;
            int best = 0;
            real m = s[0];
            if (s[1] > m) { m = s[1]; best = 1; }
            if (s[w] > m) { m = s[w]; best = 2; }
            if (s[w + 1] > m) { m = s[w + 1]; best = 3; }
            int mine = (y - 2 * oy) * 2 + (z - 2 * ox);
            if (mine == best) out = dy[plane * oh * ow + (i64) oy * ow + ox];
        }
        dx[i] = out;
    }
}

// y[n, c] = mean of x[n, c, :]
GR_KERNEL void gr_global_avg_pool(i64 planes, int p, const real* x, real* y) {
    GRID_LOOP(i, planes) {
        const real* s = x + i * p;
        real sum = 0;
        for (int j = 0; j < p; j++) sum += s[j];
        y[i] = sum / (real) p;
    }
}

GR_KERNEL void gr_global_avg_pool_backward(i64 n, int p, const real* dy, real* dx) {
    GRID_LOOP(i, n) { dx[i] = dy[i / p] / (real) p; }
}
