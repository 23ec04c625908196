/* Sequential loops of a GRU layer, forward and backward, for tsaugment.nn._gru.
 *
 * Everything that is one big matrix product (the input projections, the weight
 * gradients) stays in PyTorch; only the loop over time steps, where a narrow GRU
 * spends its time in per-operation overhead, is here. At each step the recurrent
 * product is computed for a tile of ROWS batch rows at once (one weight load feeds
 * ROWS independent multiply-adds, written with GCC/Clang vector extensions so that
 * the compiler maps them onto whatever SIMD the CPU has), then the gates of each row.
 * Rows are independent, so each OpenMP thread runs the whole time loop on its own
 * block of rows (built with -fopenmp, the library shares the OpenMP runtime that
 * PyTorch has loaded, so the threads are PyTorch's own; without it, one thread).
 *
 * Layouts (row-major, float32, contiguous), T steps, B rows, H units, gates r, z, n
 * in PyTorch's order, G = 3H, and padded widths Gp, Hp (multiples of VEC):
 *   gi     (T, B, G)   input projections W_i x + b_i
 *   w_t    (H, Gp)     recurrent weights transposed, zero-padded columns
 *   b_hh   (Gp)        recurrent bias, zero-padded
 *   w      (G, Hp)     recurrent weights as nn.GRU stores them, zero-padded columns
 *   hs     (T+1, B, H) states; hs[0] is the initial state
 *   rz     (T, B, 2H)  reset and update gates
 *   n      (T, B, H)   candidate states
 *   ghn    (T, B, H)   W_hn h + b_hn
 *   d_gi, d_gh (T, B, G) gradients of the input and recurrent projections
 * Compiled at first use by tsaugment/nn/_native/__init__.py.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#define VEC 16
#define ROWS 8
typedef float vfloat __attribute__((vector_size(VEC * sizeof(float)), aligned(4)));

/* Not compiled with -ffast-math: linking with it adds crtfastmath.o, whose constructor
 * switches the whole process to flush-to-zero when the library is loaded. glibc's
 * headers declare the vector variants of expf (libmvec) only under -ffast-math, so
 * with -DTSAUGMENT_MVEC (x86-64, linked with -lmvec) the declaration is made here:
 * the gate loops then call the vectorised expf. */
#if defined(TSAUGMENT_MVEC) && defined(__x86_64__) && !defined(__FAST_MATH__)
#pragma omp declare simd notinbranch
extern float expf(float);
#endif

/* The argument is clamped so that expf never overflows; sigmoid(+-40) is 1 or 4e-18
 * in float32. Written as comparisons (not fminf/fmaxf) so that it vectorises to
 * min/max instructions without -ffinite-math-only; a NaN passes through. */
static inline float sigmoidf_(float x)
{
    x = x < -40.0f ? -40.0f : x;
    x = x > 40.0f ? 40.0f : x;
    return 1.0f / (1.0f + expf(-x));
}

/* out[r][0:width] = bias + sum_k a[r][k] * m[k][0:width] for R rows, width a
 * multiple of VEC; a rows have stride lda, out rows stride width. */
static inline void tile_product(int R, int K, int width, const float *a, size_t lda,
                                const float *m, const float *bias, float *out)
{
    for (int c = 0; c < width; c += VEC) {
        vfloat acc[ROWS];
        const vfloat b0 = bias ? *(const vfloat *)(bias + c) : (vfloat){0};
        for (int r = 0; r < R; ++r) acc[r] = b0;
        for (int k = 0; k < K; ++k) {
            const vfloat w = *(const vfloat *)(m + (size_t)k * width + c);
            for (int r = 0; r < R; ++r) acc[r] += a[r * lda + k] * w;
        }
        for (int r = 0; r < R; ++r) *(vfloat *)(out + (size_t)r * width + c) = acc[r];
    }
}

/* tile_product for R <= ROWS rows: the full tile at once (the compiler unrolls it
 * with ROWS known), leftover rows one at a time. */
static inline void rows_product(int R, int K, int width, const float *a, size_t lda,
                                const float *m, const float *bias, float *out)
{
    if (R == ROWS) {
        tile_product(ROWS, K, width, a, lda, m, bias, out);
        return;
    }
    for (int r = 0; r < R; ++r)
        tile_product(1, K, width, a + (size_t)r * lda, lda, m, bias, out + (size_t)r * width);
}

static void forward_rows(int T, int B, int H, int Gp, const float *gi, const float *w_t,
                 const float *b_hh, float *hs, float *rz, float *n, float *ghn,
                 int row_start, int row_stop)
{
    const int G = 3 * H;
    float *gh = (float *)malloc(sizeof(float) * ROWS * Gp);
    for (int t = 0; t < T; ++t) {
        for (int b0 = row_start; b0 < row_stop; b0 += ROWS) {
            const int R = row_stop - b0 < ROWS ? row_stop - b0 : ROWS;
            const float *h0 = hs + ((size_t)t * B + b0) * H;
            rows_product(R, H, Gp, h0, H, w_t, b_hh, gh);
            for (int r = 0; r < R; ++r) {
                const size_t row = (size_t)t * B + b0 + r;
                const float *g = gi + row * G;
                const float *h = hs + row * H;
                const float *q = gh + (size_t)r * Gp;
                float *h_new = hs + row * H + (size_t)B * H;
                float *r_out = rz + row * 2 * H;
                float *n_out = n + row * H;
                float *ghn_out = ghn + row * H;
#pragma omp simd
                for (int j = 0; j < H; ++j) {
                    const float rg = sigmoidf_(g[j] + q[j]);
                    const float zg = sigmoidf_(g[H + j] + q[H + j]);
                    const float c = 2.0f * sigmoidf_(2.0f * (g[2 * H + j] + rg * q[2 * H + j])) - 1.0f;
                    r_out[j] = rg;
                    r_out[H + j] = zg;
                    n_out[j] = c;
                    ghn_out[j] = q[2 * H + j];
                    h_new[j] = c + zg * (h[j] - c);
                }
            }
        }
    }
    free(gh);
}

static void backward_rows(int T, int B, int H, int Hp, const float *grad_out, const float *w,
                  const float *hs, const float *rz, const float *n, const float *ghn,
                  float *d_gi, float *d_gh, int row_start, int row_stop)
{
    const int G = 3 * H;
    const int rows = row_stop - row_start;
    /* dh: gradient reaching each row's state from later steps; prod: tile buffer */
    float *dh = (float *)calloc((size_t)rows * Hp, sizeof(float));
    float *prod = (float *)malloc(sizeof(float) * ROWS * Hp);
    for (int t = T - 1; t >= 0; --t) {
        for (int b0 = row_start; b0 < row_stop; b0 += ROWS) {
            const int R = row_stop - b0 < ROWS ? row_stop - b0 : ROWS;
            for (int r = 0; r < R; ++r) {
                const size_t row = (size_t)t * B + b0 + r;
                float *d_state = dh + (size_t)(b0 - row_start + r) * Hp;
                const float *go = grad_out + row * H;
                const float *hp = hs + row * H; /* state before step t */
                const float *r_ = rz + row * 2 * H;
                const float *z_ = r_ + H;
                const float *n_ = n + row * H;
                const float *gn = ghn + row * H;
                float *dgi = d_gi + row * G;
                float *dgh = d_gh + row * G;
#pragma omp simd
                for (int j = 0; j < H; ++j) {
                    const float d = d_state[j] + go[j];
                    const float rg = r_[j], zg = z_[j], c = n_[j];
                    const float da = d * (1.0f - zg) * (1.0f - c * c);
                    const float dz = d * (hp[j] - c) * zg * (1.0f - zg);
                    const float dr = da * gn[j] * rg * (1.0f - rg);
                    dgi[j] = dr;
                    dgi[H + j] = dz;
                    dgi[2 * H + j] = da;
                    dgh[j] = dr;
                    dgh[H + j] = dz;
                    dgh[2 * H + j] = da * rg;
                    d_state[j] = d * zg; /* the direct path h_prev -> h */
                }
            }
            if (t == 0) continue;
            /* the path through the recurrent product: d_state += d_gh @ W_hh */
            const float *dgh0 = d_gh + ((size_t)t * B + b0) * G;
            rows_product(R, G, Hp, dgh0, G, w, NULL, prod);
            for (int r = 0; r < R; ++r) {
                float *d_state = dh + (size_t)(b0 - row_start + r) * Hp;
                const float *p = prod + (size_t)r * Hp;
#pragma omp simd
                for (int j = 0; j < H; ++j) d_state[j] += p[j];
            }
        }
    }
    free(prod);
    free(dh);
}

/* The block [lo, hi) of the B rows that the calling OpenMP thread works on. */
static inline void thread_rows(int B, int *lo, int *hi)
{
    int k = 0, count = 1;
#ifdef _OPENMP
    k = omp_get_thread_num();
    count = omp_get_num_threads();
#endif
    *lo = (int)((long)B * k / count);
    *hi = (int)((long)B * (k + 1) / count);
}

void gru_forward(int T, int B, int H, int Gp, const float *gi, const float *w_t,
                 const float *b_hh, float *hs, float *rz, float *n, float *ghn, int threads)
{
#pragma omp parallel num_threads(threads)
    {
        int lo, hi;
        thread_rows(B, &lo, &hi);
        forward_rows(T, B, H, Gp, gi, w_t, b_hh, hs, rz, n, ghn, lo, hi);
    }
}

void gru_backward(int T, int B, int H, int Hp, const float *grad_out, const float *w,
                  const float *hs, const float *rz, const float *n, const float *ghn,
                  float *d_gi, float *d_gh, int threads)
{
#pragma omp parallel num_threads(threads)
    {
        int lo, hi;
        thread_rows(B, &lo, &hi);
        backward_rows(T, B, H, Hp, grad_out, w, hs, rz, n, ghn, d_gi, d_gh, lo, hi);
    }
}
