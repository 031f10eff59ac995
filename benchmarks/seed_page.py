"""The seed page's code cells, top to bottom, with ``mxnet`` replaced by ``autodiff``.

Source: /work/shared/seed/000_9c57ec3ccdc6fbcd.txt (the MXNet crash-course page "Step 3:
Automatic differentiation with autograd"). Generated from it verbatim; the cell numbers are
the page's. W4 of the benchmarks runs this file in a fresh process: ``python
benchmarks/seed_page.py`` runs it too. Bare expressions (cells that display a value in the
notebook) are evaluated as statements, exactly as in a script.
"""

# --- cell n=1
from autodiff import np, npx
from autodiff import autograd
npx.set_np()

# --- cell n=2
x = np.array([[1, 2], [3, 4]])
x

# --- cell n=3
x.attach_grad()

# --- cell n=4
with autograd.record():
    y = 2 * x * x

# --- cell n=5
y.backward()

# --- cell n=6
x.grad

# --- cell n=7
with autograd.record():
    y = np.sum(2 * x * x)
y.backward()
x.grad

# --- cell n=8
class My_First_Custom_Operation(autograd.Function):
    def __init__(self):
        super().__init__()
    def forward(self,x,y):
        self.save_for_backward(x,y) #Save previously calculated values
        return 2*x,2*x*y,2*y
    def backward(self,dx,dxy,dy):
        """
        The input number of arguments must match the number of outputs from forward.
        Furthermore, the number of output arguments must match the number of inputs from forward.
        """
        x,y = self.saved_tensors #Use previously calculated values
        return x,y

# --- cell n=10
with autograd.record():
    x = np.random.uniform(-1,1,(2,3))
    y = np.random.uniform(-1,1,(2,3))
    x.attach_grad()
    y.attach_grad()
    z = My_First_Custom_Operation()
    z1,z2,z3 = z(x,y)
    out = z1 + z2 + z3
out.backward()
print(np.array_equiv(x.asnumpy(),x.asnumpy()))
print(np.array_equiv(y.asnumpy(),y.asnumpy()))

# --- cell n=11
def my_first_function(x):
    if autograd.is_recording() & (not autograd.is_training()): # Return if we are recording
        return(2*x)
    elif autograd.is_training(): # Return something else when training
        return(4*x)
    else:
        return(x)

# --- cell n=12
y = my_first_function(x)
print(np.array_equiv(y.asnumpy(),x.asnumpy()))
with autograd.record(train_mode=False):
    y = my_first_function(x)
y.backward()
print(x.grad)
with autograd.record(train_mode=True):# train_mode = True by default
    y = my_first_function(x)
y.backward()
print(x.grad)

# --- cell n=13
def my_second_function(x):
    with autograd.record():
        return(2*x)

# --- cell n=14
y = my_second_function(x)
y.backward()
print(x.grad)

# --- cell n=15
y = my_second_function(x)
with autograd.record():
    z = my_second_function(y) + 2
z.backward()
print(x.grad)

# --- cell n=24
def f(a):
    b = a * 2
    while np.abs(b).sum() < 1000:
        b = b * 2
    if b.sum() >= 0:
        c = b[0]
    else:
        c = b[1]
    return c

# --- cell n=25
a = np.random.uniform(size=2)
a.attach_grad()
with autograd.record():
    c = f(a)
c.backward()

# --- cell n=27
a.grad == c/a

# --- cell n=16
with autograd.record():
    y = np.sum(2 * x * x)
    z = 2 * x * x
y.backward()
y = x.grad
z.backward()
np.array_equiv(x.grad.asnumpy(),y.asnumpy())

# --- cell n=17
x = np.random.uniform(-1,1,(2,3))
y = np.random.uniform(-1,1,(2,3))
x.attach_grad()
y.attach_grad()

with autograd.record():
    z = 2*x,2*x*y,2*x+2*y
    z1,z2,z3 = z
z1.backward()
v = x.grad.copy()
v1 = y.grad.copy()
print(x.grad)
print(y.grad)
z2.backward()
v += x.grad
v1 += y.grad
print(x.grad)
print(y.grad)
z3.backward()
print(x.grad)
print(y.grad)
v += x.grad
v1 += y.grad
print()
print(v)
print(v1)

# --- cell n=18
with autograd.record():
    z = 2*x,2*x*y,2*x+2*y
    z = np.concatenate([np.expand_dims(zi,axis=0) for zi in z],axis=0)
print(z.shape)
z.backward()
print(np.array_equiv(x.grad.asnumpy(),v.asnumpy()))
print(np.array_equiv(y.grad.asnumpy(),v1.asnumpy()))

# --- cell n=19
with autograd.record():
    z = 2*x,2*x*y,2*x+2*y
    z = np.sum(np.concatenate([np.expand_dims(zi,axis=0) for zi in z],axis=0),axis=0)
print(z.shape)
z.backward()
print(np.array_equiv(x.grad.asnumpy(),v.asnumpy()))
print(np.array_equiv(y.grad.asnumpy(),v1.asnumpy()))

# --- cell n=20
with autograd.record():
    z = 2*x,2*x*y,2*x+2*y
    z = np.mean(np.concatenate([np.expand_dims(zi,axis=0) for zi in z],axis=0),axis=0)
print(z.shape)
z.backward()
print(np.array_equiv(x.grad.asnumpy(),v.asnumpy()))
print(np.array_equiv(y.grad.asnumpy(),v1.asnumpy()))
v = x.grad.copy()
v1 = y.grad.copy()

# --- cell n=21
with autograd.record():
    z = 2*x,2*x*y,2*x+2*y
    z = np.concatenate([np.expand_dims(zi,axis=0) for zi in z],axis=0)
print(z.shape)
z.backward(np.full(z.shape,1./3.))
print(np.array_equiv(x.grad.asnumpy(),v.asnumpy()))
print(np.array_equiv(y.grad.asnumpy(),v1.asnumpy()))

# --- cell n=22
with autograd.record():
    y = 3*x
    y=y.detach()
    y.attach_grad()
    z = 4*y+2*x
z.backward()
print(x.grad)
print(y.grad)

# --- cell n=23
class My_First_Custom_Operation(autograd.Function):
    def __init__(self):
        super().__init__()
    def forward(self,x,y):
        self.save_for_backward(x,y)
        return 2*x,2*x*y,2*y
    def backward(self,dx,dxy,dy):
        x,y = self.saved_tensors
        return x,y
    
x = np.random.uniform(-1,1,(2,3))
y = np.random.uniform(-1,1,(2,3))
x.attach_grad()
y.attach_grad()
with autograd.record():
    z = My_First_Custom_Operation()
    z1,z2,z3 = z(x,y)
    z1 = z1 + z2
    z3 = z2 + z3
z1.backward(retain_graph=True)
print(x.grad)
print(y.grad)
z3.backward()
print(x.grad)
print(y.grad)
