# Reference values for test/stats/pairedInterval.test.ts (python3 with numpy and scipy 1.17).
# Run: python3 test/stats/reference/pairedInterval.py
import itertools, math, json
import numpy as np
from scipy import optimize, stats

def restricted_var(units, delta, lo, hi):
    # units: list of (S, m). Maximize sum log p_u over observed units + two bound units (zero count)
    g = np.array([S - delta*m for S, m in units])
    mmax = max(m for _, m in units)
    gb = np.array([mmax*(hi-delta), mmax*(lo-delta)])
    if np.all(g == 0): return None
    n = len(g)
    allg = np.concatenate([g, gb])
    k = len(allg)
    def negll(x):
        p = x[:n]
        return -np.sum(np.log(np.maximum(p, 1e-300)))
    cons = [{'type':'eq','fun':lambda x: np.sum(x)-1}, {'type':'eq','fun':lambda x: np.dot(x, allg)}]
    x0 = np.concatenate([np.full(n, 1.0/(n+2)), np.full(2, 1.0/(n+2))])
    # make feasible start approx
    res = optimize.minimize(negll, x0, constraints=cons, bounds=[(1e-12,1)]*n+[(0,1)]*2, method='SLSQP', options={'ftol':1e-15,'maxiter':1000})
    p = res.x
    return float(np.dot(p, allg**2))

def Z(units, delta, lo=-1, hi=1):
    g = sum(S - delta*m for S, m in units)
    v = restricted_var(units, delta, lo, hi)
    if v is None: return 0.0
    return g/math.sqrt(len(units)*v)

def score_interval(units, alpha=0.05, lo=-1, hi=1):
    z = stats.norm.ppf(1-alpha/2)
    est = sum(S for S,_ in units)/sum(m for _,m in units)
    L = lo if est <= lo else optimize.brentq(lambda d: Z(units, d, lo, hi) - z, lo+1e-9, est, xtol=1e-12)
    U = hi if est >= hi else optimize.brentq(lambda d: Z(units, d, lo, hi) + z, est, hi-1e-9, xtol=1e-12)
    return L, U

def tango(b, c, n, alpha=0.05):
    # b = pass->fail (regressed, d=-1), c = fail->pass (improved, d=+1); delta = p(+1) - p(-1)
    # Tango's statistic via closed form restricted MLE (Fagerland et al. 2014): difference p1 - p2
    # with n12 = c (improved: candidate pass, baseline fail), n21 = b.
    z = stats.norm.ppf(1-alpha/2)
    def T(d):
        A = 2*n; B = -b - c + (2*n - c + b)*d; C = -b*d*(1-d)
        # restricted MLE of p21 in Fagerland's notation with delta = p12 - p21 ... use their formula
        p21 = (math.sqrt(B*B - 4*A*C) - B)/(2*A)
        return (c - b - n*d)/math.sqrt(n*(2*p21 + d*(1-d)))
    L = optimize.brentq(lambda d: T(d) - z, -1+1e-12, (c-b)/n)
    U = optimize.brentq(lambda d: T(d) + z, (c-b)/n, 1-1e-12)
    return L, U

out = {}
out['tango_b7_c1_n21'] = tango(7, 1, 21)   # Bentur et al. table as used by Fagerland et al.
out['score_b7_c1_n21'] = score_interval([(-1,1)]*7 + [(1,1)]*1 + [(0,1)]*13)
out['tango_b12_c0_n30'] = tango(12, 0, 30)
out['score_b12_c0_n30'] = score_interval([(-1,1)]*12 + [(0,1)]*18)
clustered = [(-2/3, 3), (0, 3), (1/3, 2), (-1, 2), (0, 1), (-1/3, 1), (2/3, 3), (-4/3, 4)]
out['score_clustered'] = score_interval(clustered)
out['Z_clustered_0'] = Z(clustered, 0.0)
out['score_repeats'] = score_interval([(-1/3,1)]*5 + [(-2/3,1)]*2 + [(1/3,1)]*1 + [(0,1)]*4)
# exact sign-flip over clusters: brute force over 2^U
def signflip(units, alpha=0.05):
    U = len(units)
    means, T0 = [], []
    for signs in itertools.product([1,-1], repeat=U):
        F = [u for u, s in zip(units, signs) if s == -1]
        if F:
            means.append(sum(S for S,_ in F)/sum(m for _,m in F))
        T0.append(sum(s*S for s,(S,_) in zip(signs, units)))
    obs = sum(S for S,_ in units)
    pu = sum(1 for t in T0 if t >= obs - 1e-12)/2**U
    pl = sum(1 for t in T0 if t <= obs + 1e-12)/2**U
    means.sort()
    half = alpha/2
    # low: inf delta with (1 + #{mean <= delta})/2^U > half
    mass = 1/2**U; low = -math.inf
    if mass <= half:
        for i,mu in enumerate(means):
            mass += 1/2**U
            if mass > half and (i+1 == len(means) or means[i+1] != mu):
                low = mu; break
    mass = 1/2**U; high = math.inf
    if mass <= half:
        for i,mu in enumerate(reversed(means)):
            mass += 1/2**U
            rev = list(reversed(means))
            if mass > half and (i+1 == len(rev) or rev[i+1] != mu):
                high = mu; break
    return max(-1, low), min(1, high), min(1, 2*min(pu, pl))
out['flip_clustered'] = signflip(clustered)
d = [-1/3]*5 + [-2/3]*2 + [1/3]*1 + [0]*4
out['flip_repeats'] = signflip([(x,1) for x in d])
res = stats.permutation_test((np.array(d),), np.mean, permutation_type='samples', n_resamples=np.inf, alternative='two-sided')
out['scipy_permutation_p_repeats'] = res.pvalue
print(json.dumps(out, indent=1))
