"""XOR with a 2-3-1 tanh network: the report's first experiment.

    python examples/xor.py
"""

import pyneural as pn

X, y = pn.datasets.xor()
net = pn.Network([pn.Dense(3, "tanh"), pn.Dense(1, "tanh")], inputs=2, loss="mse", optimizer=pn.SGD(0.1), seed=0)
history = net.fit(X, y, epochs=1500, batch_size=1, verbose=0)
print(f"final loss {history['loss'][-1]:.2e}")
for xi, pi in zip(X, net.predict(X)):
    print(f"xor({int(xi[0])}, {int(xi[1])}) -> {pi[0]:+.3f}")
