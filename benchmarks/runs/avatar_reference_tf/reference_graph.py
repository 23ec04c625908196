"""Train the AVATAR authors' TensorFlow graph, to score it with tsaugment's metrics.

A measurement tool, not part of the package: it needs TensorFlow 1's graph API, which
tsaugment does not depend on. Run it in its own environment (TensorFlow 2.15 is the last
release with ``tf.compat.v1.layers``; Python 3.11 has wheels):

    python -m venv /tmp/tfvenv && /tmp/tfvenv/bin/pip install tensorflow-cpu==2.15.1
    OMP_NUM_THREADS=1 /tmp/tfvenv/bin/python reference_graph.py sines4 8000 SEED OUT
    OMP_NUM_THREADS=1 /tmp/tfvenv/bin/python reference_graph.py stocks 8000 SEED OUT

It writes ``OUT.log`` (the graph's variables and the losses every 1,000 iterations)
and ``OUT.npz`` (``real`` and ``synth`` in ``(n, time, channels)``, and ``h_real``, the
encoder's codes of the real series). ``ITERATIONS=0`` only builds the graph and lists
its variables.

The graph is built with the same TensorFlow calls as the authors' ``avatar.py``
(samresume/AVATAR), so its variables are shared the same way: in the encoder, decoder
and supervisor one GRU, reused by every layer of the stack through ``AUTO_REUSE`` of
the scope ``rnn``, and a batch normalisation of its own per layer; in the discriminator
four separate cells and no batch normalisation (the listing in ``OUT.log`` shows it). Hidden
width as the tutorial sets it (``'same'``: the channel count), 4 layers, batch 128,
Adam at TensorFlow's defaults, one optimiser per loss; three phases of ``ITERATIONS``
each (reconstruction; supervised, encoder frozen; joint, two autoencoder steps and a
discriminator step when its loss on a fresh batch exceeds 0.15). Batch normalisation
uses the statistics of the batch it is given, in training and when sampling, where the
batch is all the prior draws at once, as there. Data: Sines drawn as TimeGAN draws it
(10,000 series, 4 channels, 24 steps), or TimeGAN's stock windows from the CSV bundled
with tsaugment. The model's own min-max scaling and its inverse, as there. (The data
are prepared here rather than by ``tsaugment.datasets``: importing tsaugment needs torch,
which the TensorFlow environment does not have. Seed 0's Sines are the same array as
``make_sines(n_channels=4, random_state=0)``.)

What differs from the authors' script, none of it in the model: seeds are set
(TensorFlow's graph seed and NumPy's), sessions use one thread, every series has the
full length (so ``T`` is constant), and samples are drawn once at the end.
"""

import os
import sys
import time

os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

tf.compat.v1.disable_eager_execution()
v1 = tf.compat.v1

HERE = os.path.dirname(os.path.abspath(__file__))
STOCK_CSV = os.path.join(HERE, "..", "..", "..", "tsaugment", "datasets", "data", "stock_data.csv")


def load(name, seed):
    """The real series, ``(n, 24, channels)``."""
    if name == "sines4":
        rng = np.random.default_rng(seed)
        freq = rng.uniform(0, 0.1, (10000, 1, 4))
        phase = rng.uniform(0, 0.1, (10000, 1, 4))
        return (np.sin(freq * np.arange(24)[None, :, None] + phase) + 1) * 0.5
    raw = np.loadtxt(STOCK_CSV, delimiter=",", skiprows=1)[::-1]
    raw = (raw - raw.min(0)) / (raw.max(0) - raw.min(0) + 1e-7)
    windows = np.stack([raw[i : i + 24] for i in range(len(raw) - 24)])
    return windows[np.random.default_rng(seed).permutation(len(windows))]


def train(data, iterations, *, seed, log, batch_size=128, num_layers=4):
    """Build the graph, train it, and return ``(synthetic series, codes of the real ones)``."""
    v1.reset_default_graph()
    v1.set_random_seed(seed)
    np.random.seed(seed)
    no, seq_len, dim = data.shape
    lo = data.min(axis=(0, 1))
    data = data - lo
    hi = data.max(axis=(0, 1))
    data = data / (hi + 1e-7)
    hid = dim
    X = v1.placeholder(tf.float32, [None, seq_len, dim])
    Z = v1.placeholder(tf.float32, [None, seq_len, hid])
    T = v1.placeholder(tf.int32, [None])

    def stack(scope, inputs, n_layers, out_dim):
        with v1.variable_scope(scope, reuse=v1.AUTO_REUSE):
            x = inputs
            for _ in range(n_layers):
                normed = v1.layers.batch_normalization(x, training=True)
                cell = v1.nn.rnn_cell.GRUCell(num_units=hid, activation=tf.nn.tanh)
                x, _ = v1.nn.dynamic_rnn(cell, normed, dtype=tf.float32, sequence_length=T)
            return v1.layers.dense(x, out_dim, activation=tf.nn.sigmoid)

    def discriminator(h):
        with v1.variable_scope("discriminator", reuse=v1.AUTO_REUSE):
            cells = [
                v1.nn.rnn_cell.GRUCell(num_units=hid, activation=tf.nn.tanh)
                for _ in range(num_layers)
            ]
            out, _ = v1.nn.dynamic_rnn(
                v1.nn.rnn_cell.MultiRNNCell(cells), h, dtype=tf.float32, sequence_length=T
            )
            return v1.layers.dense(out, 1, activation=None)

    H = stack("embedder", X, num_layers, hid)
    X_rec = stack("recovery", H, num_layers, dim)
    X_rec_sup = stack("supervisor", X_rec, num_layers - 1, hid)
    X_hat = stack("supervisor", stack("recovery", Z, num_layers, dim), num_layers - 1, hid)
    logit_fake, logit_real = discriminator(H), discriminator(Z)
    variables = v1.trainable_variables()
    for v in variables:
        log(f"VAR {v.name} {v.shape}")
    if iterations == 0:
        return None

    def scope_vars(prefix):
        return [v for v in variables if v.name.startswith(prefix)]

    sce, mse = v1.losses.sigmoid_cross_entropy, v1.losses.mean_squared_error
    d_loss = sce(tf.ones_like(logit_real), logit_real) + sce(tf.zeros_like(logit_fake), logit_fake)
    r_loss = mse(X, X_rec)
    r_joint = mse(X, X_rec) + mse(X, X_rec_sup)
    adv = sce(tf.ones_like(logit_fake), logit_fake)
    s_loss = mse(X_rec[:, 1:, :], X_rec_sup[:, :-1, :]) + mse(X_rec[:, 2:, :], X_rec_sup[:, :-2, :])
    z_mean, z_var = tf.nn.moments(Z, [0])
    h_mean, h_var = tf.nn.moments(H, [0])
    dist = tf.reduce_mean(tf.abs(tf.sqrt(z_var + 1e-6) - tf.sqrt(h_var + 1e-6)))
    dist += tf.reduce_mean(tf.abs(z_mean - h_mean))
    e, r, s = scope_vars("embedder"), scope_vars("recovery"), scope_vars("supervisor")
    adam = v1.train.AdamOptimizer
    step_r = adam().minimize(r_loss, var_list=e + r)
    step_joint = adam().minimize(r_joint + adv + dist + s_loss, var_list=e + r + s)
    step_d = adam().minimize(d_loss, var_list=scope_vars("discriminator"))
    step_s = adam().minimize(s_loss, var_list=r + s)
    config = v1.ConfigProto(intra_op_parallelism_threads=1, inter_op_parallelism_threads=1)
    sess = v1.Session(config=config)
    sess.run(v1.global_variables_initializer())
    full = [seq_len] * batch_size

    def x_batch():
        return data[np.random.permutation(no)[:batch_size]]

    def z_batch(n):
        return np.random.uniform(0.0, 1, [n, seq_len, hid])

    t0 = time.time()
    for it in range(iterations):
        _, loss = sess.run([step_r, r_loss], {X: x_batch(), T: full})
        if it % 1000 == 0:
            log(f"ae {it} {np.sqrt(loss):.4f} {time.time() - t0:.0f}s")
    for it in range(iterations):
        feed = {X: x_batch(), Z: z_batch(batch_size), T: full}
        _, loss = sess.run([step_s, s_loss], feed)
        if it % 1000 == 0:
            log(f"sup {it} {np.sqrt(loss):.4f} {time.time() - t0:.0f}s")
    n_d, last_d = 0, float("nan")
    for it in range(iterations):
        for _ in range(2):
            feed = {X: x_batch(), Z: z_batch(batch_size), T: full}
            _, rl, al, sl, dl = sess.run([step_joint, r_joint, adv, s_loss, dist], feed)
        feed = {X: x_batch(), Z: z_batch(batch_size), T: full}
        if sess.run(d_loss, feed) > 0.15:
            _, last_d = sess.run([step_d, d_loss], feed)
            n_d += 1
        if it % 1000 == 0:
            log(
                f"joint {it} D {last_d:.4f} R {rl:.4f} Ad {al:.4f} S {np.sqrt(sl):.4f} "
                f"Dist {dl:.4f} dsteps {n_d} {time.time() - t0:.0f}s"
            )
    log(f"train done {time.time() - t0:.0f}s, disc steps {n_d}/{iterations}")
    synth = sess.run(X_hat, {Z: z_batch(no), X: data, T: [seq_len] * no})
    codes = sess.run(H, {X: data, T: [seq_len] * no})
    return synth * hi + lo, codes


def main(name, iterations, seed, out):
    data = load(name, seed)
    with open(out + ".log", "w") as log_file:

        def log(message):
            print(message, flush=True)
            log_file.write(message + "\n")
            log_file.flush()

        result = train(data.astype(np.float32), iterations, seed=seed, log=log)
    if result is not None:
        np.savez(out + ".npz", real=data, synth=result[0], h_real=result[1])


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])
