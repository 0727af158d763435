"""scikit-learn estimators around :class:`pyneural.Network`.

``NeuralNetRegressor`` and ``NeuralNetClassifier`` follow scikit-learn's
conventions (``__init__`` stores the parameters, ``fit`` validates them and sets
the attributes ending in ``_``), so they work in ``Pipeline``, ``GridSearchCV``,
``cross_val_score`` and ``permutation_importance``, pickle cheaply, and pass
``sklearn.utils.estimator_checks.check_estimator``.

scikit-learn (>= 1.6) is an optional dependency: ``import pyneural`` never
imports it; importing this module without it raises an ``ImportError`` that says
how to install it.

>>> from pyneural.sklearn import NeuralNetClassifier
>>> clf = NeuralNetClassifier(hidden_layer_sizes=(32,), random_state=0)
"""

from __future__ import annotations

import numbers
import warnings

import numpy as np

try:
    from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.model_selection import train_test_split
    from sklearn.utils import check_random_state
    from sklearn.utils.multiclass import check_classification_targets
    from sklearn.utils.validation import check_is_fitted, column_or_1d, validate_data
except ImportError as exc:  # pragma: no cover - exercised by a test with sklearn hidden
    raise ImportError(
        "pyneural.sklearn needs scikit-learn >= 1.6, which is not installed "
        "(pip install 'pyneural[sklearn]' or pip install scikit-learn)"
    ) from exc

from ._config import resolve_threads
from ._validation import check_fraction, check_positive_float, check_positive_int
from .errors import InvalidTypeError, InvalidValueError
from .nn.layers import Dense
from .nn.network import Network
from .nn.optimizers import SGD, Adam, Momentum
from .nn.schedules import Schedule
from .training.callbacks import Callback

__all__ = ["NeuralNetRegressor", "NeuralNetClassifier"]

# scikit-learn's MLP names for the hidden activations, beside pyneural's own.
_ACTIVATIONS = {"relu": "relu", "tanh": "tanh", "sigmoid": "sigmoid", "logistic": "sigmoid",
                "linear": "linear", "identity": "linear"}
_OPTIMIZERS = ("adam", "sgd", "momentum")
_AUTO_BATCH = 200  # batch_size="auto": min(200, n_samples), as MLPRegressor


class _Monitor(Callback):
    """Counts epochs without an improvement of at least ``tol`` in the monitored
    loss (validation loss with early stopping, training loss otherwise) and stops
    after ``patience`` of them; keeps the parameters of the best validation epoch."""

    def __init__(self, net, tol, patience, validation):
        self.net, self.tol, self.patience, self.validation = net, tol, patience, validation
        self.best, self.count, self.best_params = np.inf, 0, None
        self.train_losses, self.val_losses, self.val_scores = [], [], []
        self.converged = False

    def on_epoch_end(self, epoch, logs):
        self.train_losses.append(float(logs["loss"]))
        if self.validation is not None:
            ev = self.net.evaluate(*self.validation)
            current = float(ev["loss"])
            self.val_losses.append(current)
            self.val_scores.append(float(ev.get("accuracy", ev["r2"])))
        else:
            current = self.train_losses[-1]
        self.count = self.count + 1 if current > self.best - self.tol else 0
        if current < self.best:
            self.best = current
            if self.validation is not None:
                self.best_params = self.net.get_params()
        self.converged = self.count >= self.patience
        return self.converged


class _BaseNeuralNet(BaseEstimator):
    """Parameters and training shared by the regressor and the classifier."""

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        optimizer="adam",
        learning_rate=0.001,
        momentum=0.9,
        beta1=0.9,
        beta2=0.999,
        epsilon=1e-7,
        epochs=200,
        batch_size=32,
        shuffle=True,
        validation_fraction=0.1,
        early_stopping=False,
        n_iter_no_change=10,
        tol=1e-4,
        random_state=None,
        n_threads=None,
        dtype="float32",
        verbose=0,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.epochs = epochs
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.validation_fraction = validation_fraction
        self.early_stopping = early_stopping
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.random_state = random_state
        self.n_threads = n_threads
        self.dtype = dtype
        self.verbose = verbose

    # ------------------------------------------------------------ validation
    def _hidden_sizes(self) -> tuple:
        sizes = self.hidden_layer_sizes
        if isinstance(sizes, numbers.Integral) and not isinstance(sizes, bool):
            sizes = (sizes,)
        if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__iter__"):
            raise InvalidTypeError(
                f"hidden_layer_sizes: expected a tuple of integers >= 1, got {self.hidden_layer_sizes!r}")
        sizes = tuple(sizes)
        for size in sizes:
            if isinstance(size, bool) or not isinstance(size, numbers.Integral) or size < 1:
                raise InvalidValueError(
                    f"hidden_layer_sizes: expected a tuple of integers >= 1, got {self.hidden_layer_sizes!r}")
        return tuple(int(s) for s in sizes)

    def _make_optimizer(self):
        name = self.optimizer
        if not isinstance(name, str) or name.lower() not in _OPTIMIZERS:
            raise InvalidValueError(f"optimizer: expected one of {list(_OPTIMIZERS)}, got {name!r}")
        lr = self.learning_rate
        if not isinstance(lr, Schedule):
            lr = check_positive_float(lr, "learning_rate")
        name = name.lower()
        if name == "adam":
            return Adam(lr, beta1=self.beta1, beta2=self.beta2, epsilon=self.epsilon)
        if name == "momentum":
            return Momentum(lr, momentum=self.momentum)
        return SGD(lr)

    def _check_params(self) -> dict:
        """Every parameter, validated; errors name the parameter."""
        sizes = self._hidden_sizes()
        if not isinstance(self.activation, str) or self.activation.lower() not in _ACTIVATIONS:
            raise InvalidValueError(f"activation: expected one of {sorted(_ACTIVATIONS)}, got {self.activation!r}")
        # Validate every optimizer setting, also those the chosen optimizer ignores.
        check_fraction(self.momentum, "momentum")
        check_fraction(self.beta1, "beta1")
        check_fraction(self.beta2, "beta2")
        check_positive_float(self.epsilon, "epsilon")
        optimizer = self._make_optimizer()
        epochs = check_positive_int(self.epochs, "epochs")
        if not (isinstance(self.batch_size, str) and self.batch_size == "auto"):
            check_positive_int(self.batch_size, "batch_size")
        for name in ("shuffle", "early_stopping"):
            if not isinstance(getattr(self, name), (bool, np.bool_)):
                raise InvalidTypeError(f"{name}: expected True or False, got {getattr(self, name)!r}")
        check_fraction(self.validation_fraction, "validation_fraction", low_open=True)
        patience = check_positive_int(self.n_iter_no_change, "n_iter_no_change")
        tol = check_positive_float(self.tol, "tol", allow_zero=True)
        resolve_threads(self.n_threads)
        if not (isinstance(self.dtype, (str, type, np.dtype)) and self.dtype in ("float32", "float64", np.float32,
                                                                                 np.float64)):
            raise InvalidValueError(f"dtype: expected 'float32' or 'float64', got {self.dtype!r}")
        verbose = check_positive_int(self.verbose, "verbose", minimum=0)
        try:
            rng = check_random_state(self.random_state)
        except ValueError as exc:
            raise InvalidValueError(
                f"random_state: expected None, an integer or a numpy RandomState, got {self.random_state!r}") from exc
        return {"sizes": sizes, "activation": _ACTIVATIONS[self.activation.lower()], "optimizer": optimizer,
                "epochs": epochs, "patience": patience, "tol": tol, "verbose": verbose, "rng": rng}

    # ------------------------------------------------------------ training
    def _fit_network(self, X, Y, *, out_units, out_activation, loss, stratify=None):
        """Build a fresh network and train it on (X, Y) (Y already encoded)."""
        p = self._check_params()
        rng = p["rng"]
        seed = int(rng.randint(np.iinfo(np.int32).max))
        validation = None
        if self.early_stopping:
            X, X_val, Y, Y_val = train_test_split(
                X, Y, test_size=self.validation_fraction, random_state=rng, stratify=stratify)
            validation = (X_val, Y_val)
        layers = [Dense(units, p["activation"]) for units in p["sizes"]] + [Dense(out_units, out_activation)]
        net = Network(layers, inputs=X.shape[1], loss=loss, optimizer=p["optimizer"], seed=seed,
                      dtype=np.dtype(self.dtype).name, n_threads=self.n_threads)
        batch_size = min(_AUTO_BATCH, X.shape[0]) if self.batch_size == "auto" else self.batch_size
        monitor = _Monitor(net, p["tol"], p["patience"], validation)
        net.fit(X, Y, epochs=p["epochs"], batch_size=batch_size, shuffle=self.shuffle,
                callbacks=[monitor], verbose=p["verbose"])
        if monitor.best_params is not None:
            net.set_params(monitor.best_params)
        if not monitor.converged:
            warnings.warn(
                f"{type(self).__name__}: reached epochs={self.epochs} before the monitored loss stopped "
                f"improving (by tol={self.tol} within n_iter_no_change={self.n_iter_no_change} epochs); "
                "raise epochs or tol to let training converge", ConvergenceWarning, stacklevel=3)
        self.network_ = net
        self.loss_curve_ = monitor.train_losses
        self.n_iter_ = len(monitor.train_losses)
        if validation is None:
            self.best_loss_ = float(min(monitor.train_losses))
            self.validation_loss_curve_ = None
            self.validation_scores_ = None
        else:
            self.best_loss_ = None
            self.validation_loss_curve_ = monitor.val_losses
            self.validation_scores_ = monitor.val_scores
        return self

    def _validate_X(self, X):
        check_is_fitted(self, "network_")
        return validate_data(self, X, reset=False, dtype=[np.float32, np.float64])


# The parameters of both estimators, spliced into their docstrings.
_PARAMETERS = """Parameters
    ----------
    hidden_layer_sizes : tuple of int, default=(100,)
        Units of each hidden layer (an int: one layer; ``()``: none, i.e.
        linear or logistic regression).
    activation : {"relu", "tanh", "sigmoid", "linear"}, default="relu"
        Hidden activation (scikit-learn's ``"logistic"`` and ``"identity"`` are
        accepted too).
    optimizer : {"adam", "sgd", "momentum"}, default="adam"
        ``adam`` uses ``beta1``, ``beta2``, ``epsilon``; ``momentum`` uses
        ``momentum``; ``sgd`` is plain gradient descent.
    learning_rate : float or pyneural.Schedule, default=0.001
    momentum : float in [0, 1), default=0.9
    beta1 : float in [0, 1), default=0.9
    beta2 : float in [0, 1), default=0.999
    epsilon : float > 0, default=1e-7
        pyneural's (and Keras') Adam default; scikit-learn's MLP uses 1e-8.
    epochs : int, default=200
        Maximum number of passes over the training rows.
    batch_size : int or "auto", default=32
        Rows per update (clipped to the number of rows); ``"auto"`` is
        ``min(200, n_samples)`` as in scikit-learn's MLP.
    shuffle : bool, default=True
        Draw a new row order every epoch.
    validation_fraction : float in (0, 1), default=0.1
        Rows held out (stratified by class for the classifier) when ``early_stopping``.
    early_stopping : bool, default=False
        Stop when the validation loss has not improved by at least ``tol`` for
        ``n_iter_no_change`` consecutive epochs, and keep the parameters of the
        best epoch. Without it the same rule is applied to the training loss, as
        scikit-learn's MLP does, and the last parameters are kept.
    n_iter_no_change : int, default=10
    tol : float >= 0, default=1e-4
    random_state : None, int or numpy RandomState, default=None
        Seeds the initial parameters, the shuffling and the validation split.
    n_threads : int, optional
        Threads of the C++ engine (``None``: ``pyneural.get_num_threads()``).
    dtype : {"float32", "float64"}, default="float32"
        Precision of the network; predictions and probabilities are float64.
    verbose : int, default=0
        One line per epoch when > 0.
"""


class NeuralNetRegressor(RegressorMixin, _BaseNeuralNet):
    """A dense network regressor: hidden layers, a linear output, the MSE loss.

    {parameters}
    Attributes
    ----------
    network_ : pyneural.Network
        The trained network.
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Only when ``X`` was a DataFrame with string column names.
    n_outputs_ : int
        Targets: ``y`` of shape (n,) or ``(n, n_outputs_)``. Predictions have the
        shape of the ``y`` given to ``fit`` (1-D ``y`` gives 1-D predictions).
    loss_curve_ : list of float
        Mean training loss of each epoch.
    n_iter_ : int
        Epochs trained.
    best_loss_ : float or None
        Lowest training loss (None with ``early_stopping``).
    validation_loss_curve_, validation_scores_ : list of float or None
        With ``early_stopping``: validation loss and R² after each epoch.

    Examples
    --------
    >>> import numpy as np
    >>> from pyneural.sklearn import NeuralNetRegressor
    >>> X = np.random.default_rng(0).normal(size=(200, 3)); y = X @ [1.0, -2.0, 0.5]
    >>> reg = NeuralNetRegressor((16,), epochs=50, tol=0, random_state=0).fit(X, y)
    >>> reg.predict(X[:2]).shape
    (2,)
    """

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    def fit(self, X, y):
        """Train a fresh network on ``X`` (n, features) and ``y`` (n,) or (n, outputs).

        Raises
        ------
        pyneural.errors.TrainingDivergedError
            When the training loss becomes NaN or infinite (lower ``learning_rate``
            or scale ``X``).
        """
        X, y = validate_data(self, X, y, multi_output=True, y_numeric=True, dtype=[np.float32, np.float64])
        self._y_1d = y.ndim == 1
        Y = y.reshape(-1, 1) if self._y_1d else y
        self.n_outputs_ = Y.shape[1]
        return self._fit_network(X, Y, out_units=self.n_outputs_, out_activation="linear", loss="mse")

    def predict(self, X):
        """Predictions, float64, of shape (n,) or ``(n, n_outputs_)`` like the fitted ``y``."""
        X = self._validate_X(X)
        pred = self.network_.predict(X).astype(np.float64)
        return pred.ravel() if self._y_1d else pred


class NeuralNetClassifier(ClassifierMixin, _BaseNeuralNet):
    """A dense network classifier with probabilistic outputs.

    Two classes: one sigmoid output trained with binary cross-entropy (``bce``);
    more: a softmax output per class trained with cross-entropy on one-hot
    targets. Labels may be of any type (numbers, strings); ``classes_`` holds
    them, sorted, and orders the columns of :meth:`predict_proba`.

    {parameters}
    Attributes
    ----------
    network_ : pyneural.Network
        The trained network.
    classes_ : ndarray
        The sorted labels.
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Only when ``X`` was a DataFrame with string column names.
    loss_curve_ : list of float
        Mean training loss of each epoch.
    n_iter_ : int
        Epochs trained.
    best_loss_ : float or None
        Lowest training loss (None with ``early_stopping``).
    validation_loss_curve_, validation_scores_ : list of float or None
        With ``early_stopping``: validation loss and accuracy after each epoch.

    Warns
    -----
    ConvergenceWarning
        When ``epochs`` ran out before the monitored loss stopped improving.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from pyneural.sklearn import NeuralNetClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = NeuralNetClassifier((16,), learning_rate=0.01, epochs=50, tol=0, random_state=0).fit(X, y)
    >>> clf.predict_proba(X[:1]).shape
    (1, 3)
    """

    def fit(self, X, y):
        """Train a fresh network on ``X`` (n, features) and the labels ``y`` (n,).

        Raises
        ------
        pyneural.errors.TrainingDivergedError
            When the training loss becomes NaN or infinite (lower ``learning_rate``
            or scale ``X``).
        """
        X, y = validate_data(self, X, y, dtype=[np.float32, np.float64])
        check_classification_targets(y)
        y = column_or_1d(y, warn=True)
        self.classes_, codes = np.unique(y, return_inverse=True)
        if self.classes_.size < 2:
            raise InvalidValueError(
                f"y: a classifier needs at least 2 classes, got 1 class ({self.classes_[0]!r})")
        if self.classes_.size == 2:
            Y = codes.reshape(-1, 1).astype(X.dtype)
            return self._fit_network(X, Y, out_units=1, out_activation="sigmoid", loss="bce", stratify=codes)
        Y = np.eye(self.classes_.size, dtype=X.dtype)[codes]
        return self._fit_network(X, Y, out_units=self.classes_.size, out_activation="softmax",
                                 loss="cross_entropy", stratify=codes)

    def predict_proba(self, X):
        """Class probabilities, float64, shape (n, n_classes), columns in ``classes_`` order."""
        X = self._validate_X(X)
        out = self.network_.predict(X).astype(np.float64)
        if self.classes_.size == 2:
            return np.hstack([1.0 - out, out])
        return out / out.sum(axis=1, keepdims=True)  # float32 softmax, renormalised in float64

    def predict_log_proba(self, X):
        """``log(predict_proba(X))``."""
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def predict(self, X):
        """The most probable label of each row (a sigmoid output above 0.5 for two classes)."""
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]


for _cls in (NeuralNetRegressor, NeuralNetClassifier):
    _cls.__doc__ = _cls.__doc__.replace("{parameters}", _PARAMETERS)
del _cls
