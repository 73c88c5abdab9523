import numpy as np
from scipy.optimize import minimize, rosen, rosen_der
n=50
rng=np.random.default_rng(7)
Q,_=np.linalg.qr(rng.standard_normal((n,n)))
A=Q@np.diag(1000**(np.arange(n)/(n-1)))@Q.T
c=rng.uniform(-2,2,n)
f=lambda x:(0.5*(x-c)@A@(x-c), A@(x-c))
r=minimize(f,np.zeros(n),jac=True,method='L-BFGS-B',options=dict(maxcor=10,gtol=1e-7,ftol=0,maxiter=1000))
print(r.nit,r.nfev,np.abs(r.x-c).max(), r.message)
r=minimize(lambda x:(rosen(x),rosen_der(x)),np.array([-1.2,1]),jac=True,method='L-BFGS-B',options=dict(maxcor=10,gtol=1e-8,ftol=0))
print('rosen2',r.nit,r.nfev,r.x)
x0=np.array([-1.2 if i%2==0 else 1 for i in range(10)])
r=minimize(lambda x:(rosen(x),rosen_der(x)),x0,jac=True,method='L-BFGS-B',options=dict(maxcor=10,gtol=1e-8,ftol=0))
print('rosen10',r.nit,r.nfev,r.x)
