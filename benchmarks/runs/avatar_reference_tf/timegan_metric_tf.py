"""TimeGAN's discriminative score built with TensorFlow 1's graph API, as its reference is.

A cross-check of :func:`tsaugment.metrics.discriminative_score` (PyTorch), not part of
the package. It follows the protocol of Yoon et al.'s ``discriminative_metrics.py``: an
80/20 split of each panel, a one-layer ``GRUCell`` of ``int(channels / 2)`` units
reading the whole series, a dense logit on its last state, Adam at TensorFlow's
defaults for 2,000 iterations of 128 real and 128 synthetic training series, and
``|accuracy - 0.5|`` on both held-out parts. Run it where TensorFlow is installed
(see ``reference_graph.py``):

    OMP_NUM_THREADS=1 /tmp/tfvenv/bin/python timegan_metric_tf.py FILE.npz [RUNS]

``FILE.npz`` holds ``real`` and ``synth``, ``(n, time, channels)`` or
``(n, channels, time)``. It prints every run's score and their mean.
"""

import os
import sys

os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

tf.compat.v1.disable_eager_execution()
v1 = tf.compat.v1


def discriminative_score_tf(real, synth, seed, iterations=2000, batch_size=128):
    """One run of the score on ``(n, time, channels)`` float32 arrays."""
    v1.reset_default_graph()
    v1.set_random_seed(seed)
    rng = np.random.RandomState(seed)
    _, seq_len, dim = real.shape
    hidden = max(1, int(dim / 2))
    X = v1.placeholder(tf.float32, [None, seq_len, dim])
    X_hat = v1.placeholder(tf.float32, [None, seq_len, dim])
    T = v1.placeholder(tf.int32, [None])
    T_hat = v1.placeholder(tf.int32, [None])

    def discriminator(x, t):
        with v1.variable_scope("discriminator", reuse=v1.AUTO_REUSE):
            cell = v1.nn.rnn_cell.GRUCell(num_units=hidden, activation=tf.nn.tanh)
            _, last = v1.nn.dynamic_rnn(cell, x, dtype=tf.float32, sequence_length=t)
            return v1.layers.dense(last, 1, activation=None)

    logit_real, logit_fake = discriminator(X, T), discriminator(X_hat, T_hat)
    xent = tf.nn.sigmoid_cross_entropy_with_logits
    loss = tf.reduce_mean(xent(logits=logit_real, labels=tf.ones_like(logit_real)))
    loss += tf.reduce_mean(xent(logits=logit_fake, labels=tf.zeros_like(logit_fake)))
    step = v1.train.AdamOptimizer().minimize(loss)
    config = v1.ConfigProto(intra_op_parallelism_threads=1, inter_op_parallelism_threads=1)
    sess = v1.Session(config=config)
    sess.run(v1.global_variables_initializer())

    def split(a):
        idx = rng.permutation(len(a))
        cut = int(len(a) * 0.8)
        return a[idx[:cut]], a[idx[cut:]]

    real_train, real_test = split(real)
    synth_train, synth_test = split(synth)
    for _ in range(iterations):
        rb = real_train[rng.permutation(len(real_train))[:batch_size]]
        sb = synth_train[rng.permutation(len(synth_train))[:batch_size]]
        sess.run(step, {X: rb, T: [seq_len] * len(rb), X_hat: sb, T_hat: [seq_len] * len(sb)})
    p_real, p_fake = sess.run(
        [tf.sigmoid(logit_real), tf.sigmoid(logit_fake)],
        {
            X: real_test,
            T: [seq_len] * len(real_test),
            X_hat: synth_test,
            T_hat: [seq_len] * len(synth_test),
        },
    )
    accuracy = ((p_real > 0.5).sum() + (p_fake <= 0.5).sum()) / (len(p_real) + len(p_fake))
    return abs(0.5 - accuracy)


def main(path, runs):
    arrays = np.load(path)
    real, synth = arrays["real"].astype(np.float32), arrays["synth"].astype(np.float32)
    if real.shape[1] < real.shape[2]:  # (n, channels, time) -> (n, time, channels)
        real, synth = real.transpose(0, 2, 1), synth.transpose(0, 2, 1)
    scores = [discriminative_score_tf(real, synth, seed) for seed in range(runs)]
    listed = " ".join(f"{s:.3f}" for s in scores)
    print(path, "TF-metric disc", listed, "mean", round(float(np.mean(scores)), 4), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 10)
