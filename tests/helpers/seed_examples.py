"""The seed page's two reusable examples, written once for every test that needs them."""
from autodiff import np, autograd


class My_First_Custom_Operation(autograd.Function):
    """The page's custom op: three outputs; its backward returns the saved inputs."""

    def forward(self, x, y):
        self.save_for_backward(x, y)
        return 2 * x, 2 * x * y, 2 * y

    def backward(self, dx, dxy, dy):
        x, y = self.saved_tensors
        return x, y


def seed_f(a):
    """The page's function with data-dependent control flow (cell n=24)."""
    b = a * 2
    while np.abs(b).sum() < 1000:
        b = b * 2
    if b.sum() >= 0:
        c = b[0]
    else:
        c = b[1]
    return c
