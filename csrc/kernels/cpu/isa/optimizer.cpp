// The update rules of kernels/cpu/optimizer.h, compiled once per ISA. Each rule is a plain loop
// over contiguous elements that the compiler vectorises; the arithmetic follows the order of
// the Python update_step it replaces (keras/optimizers/*.py), with the hyper-parameters
// rounded to the variable's dtype as the Python scalars are, so float32 results agree with the
// composite to an ulp or two and float64 results to rounding.
#include "kernels/cpu/optimizer.h"

#include <algorithm>
#include <cmath>

namespace tapeflow::cpu::TF_ISA {
namespace {

// w -= g*lr;  momentum mu: m = m*mu - g*lr, then w += m (Nesterov: w += m*mu - g*lr).
template <class T, bool kMomentum, bool kNesterov>
void sgd(const UpdateRule& r, T* __restrict w, const T* __restrict g, T* const* s, int64_t n) {
  const T lr = T(r.learning_rate), mu = T(r.momentum);
  T* __restrict m = s[0];
  for (int64_t i = 0; i < n; ++i) {
    if constexpr (!kMomentum) {
      w[i] = w[i] - g[i] * lr;
    } else {
      m[i] = m[i] * mu - g[i] * lr;
      w[i] = w[i] + (kNesterov ? m[i] * mu - g[i] * lr : m[i]);
    }
  }
}

// v = rho*v + (1-rho)*g^2;  centered: a = rho*a + (1-rho)*g, d = v - a^2 + eps, else
// d = v + eps;  inc = lr*g / sqrt(d);  w -= inc, or with momentum mu: m = mu*m + inc, w -= m.
// Slots: velocity, momentum, average gradient.
template <class T, bool kCentered, bool kMomentum>
void rmsprop(const UpdateRule& r, T* __restrict w, const T* __restrict g, T* const* s, int64_t n) {
  const T lr = T(r.learning_rate), rho = T(r.rho), one_minus_rho = T(1.0 - r.rho);
  const T eps = T(r.epsilon), mu = T(r.momentum);
  T* __restrict v = s[0], * __restrict m = s[1], * __restrict a = s[2];
  for (int64_t i = 0; i < n; ++i) {
    const T gi = g[i];
    v[i] = rho * v[i] + one_minus_rho * (gi * gi);
    T denominator;
    if constexpr (kCentered) {
      a[i] = rho * a[i] + one_minus_rho * gi;
      denominator = v[i] - a[i] * a[i] + eps;
    } else {
      denominator = v[i] + eps;
    }
    const T increment = lr * gi / std::sqrt(denominator);
    if constexpr (kMomentum) {
      m[i] = mu * m[i] + increment;
      w[i] = w[i] - m[i];
    } else {
      w[i] = w[i] - increment;
    }
  }
}

// m += (g - m)(1 - b1);  v += (g^2 - v)(1 - b2);  amsgrad: vhat = max(vhat, v), used for v;
// w -= m*alpha / (sqrt(v) + eps), alpha = step_factors[0]. Slots: m, v, vhat.
template <class T, bool kAmsgrad>
void adam(const UpdateRule& r, T* __restrict w, const T* __restrict g, T* const* s, int64_t n) {
  const T one_minus_b1 = T(1.0 - r.beta_1), one_minus_b2 = T(1.0 - r.beta_2);
  const T eps = T(r.epsilon), alpha = T(r.step_factors[0]);
  T* __restrict m = s[0], * __restrict v = s[1], * __restrict v_hat = s[2];
  for (int64_t i = 0; i < n; ++i) {
    const T gi = g[i];
    m[i] = m[i] + (gi - m[i]) * one_minus_b1;
    v[i] = v[i] + (gi * gi - v[i]) * one_minus_b2;
    T second = v[i];
    if constexpr (kAmsgrad) {
      v_hat[i] = std::max(v_hat[i], v[i]);
      second = v_hat[i];
    }
    w[i] = w[i] - m[i] * alpha / (std::sqrt(second) + eps);
  }
}

// a += g^2;  w -= lr*g / sqrt(a + eps). Slot: accumulator.
template <class T>
void adagrad(const UpdateRule& r, T* __restrict w, const T* __restrict g, T* const* s, int64_t n) {
  const T lr = T(r.learning_rate), eps = T(r.epsilon);
  T* __restrict acc = s[0];
  for (int64_t i = 0; i < n; ++i) {
    acc[i] = acc[i] + g[i] * g[i];
    w[i] = w[i] - lr * g[i] / std::sqrt(acc[i] + eps);
  }
}

// a = rho*a + (1-rho)*g^2;  d = -sqrt(s + eps)*g / sqrt(a + eps);  s = rho*s + (1-rho)*d^2;
// w += lr*d. Slots: accumulated gradient a, accumulated delta s.
template <class T>
void adadelta(const UpdateRule& r, T* __restrict w, const T* __restrict g, T* const* s, int64_t n) {
  const T lr = T(r.learning_rate), rho = T(r.rho), one_minus_rho = T(1.0 - r.rho);
  const T eps = T(r.epsilon);
  T* __restrict acc_g = s[0], * __restrict acc_d = s[1];
  for (int64_t i = 0; i < n; ++i) {
    const T gi = g[i];
    acc_g[i] = rho * acc_g[i] + one_minus_rho * (gi * gi);
    const T delta = -std::sqrt(acc_d[i] + eps) * gi / std::sqrt(acc_g[i] + eps);
    acc_d[i] = rho * acc_d[i] + one_minus_rho * (delta * delta);
    w[i] = w[i] + lr * delta;
  }
}

// m += (g - m)(1 - b1);  u = max(b2*u, |g|);  w -= lr*m / ((1 - b1^t)(u + eps)),
// 1 - b1^t = step_factors[0]. Slots: m, u.
template <class T>
void adamax(const UpdateRule& r, T* __restrict w, const T* __restrict g, T* const* s, int64_t n) {
  const T lr = T(r.learning_rate), one_minus_b1 = T(1.0 - r.beta_1), b2 = T(r.beta_2);
  const T eps = T(r.epsilon), correction = T(r.step_factors[0]);
  T* __restrict m = s[0], * __restrict u = s[1];
  for (int64_t i = 0; i < n; ++i) {
    const T gi = g[i];
    m[i] = m[i] + (gi - m[i]) * one_minus_b1;
    u[i] = std::max(b2 * u[i], std::abs(gi));
    w[i] = w[i] - lr * m[i] / (correction * (u[i] + eps));
  }
}

// With step_factors = (u_t, u_{t+1}, U_t, U_{t+1}, 1 - b2^t):
// m += (g - m)(1 - b1);  v += (g^2 - v)(1 - b2);
// m_hat = u_{t+1} m / (1 - U_{t+1}) + (1 - u_t) g / (1 - U_t);  v_hat = v / (1 - b2^t);
// w -= m_hat*lr / (sqrt(v_hat) + eps). Slots: m, v.
template <class T>
void nadam(const UpdateRule& r, T* __restrict w, const T* __restrict g, T* const* s, int64_t n) {
  const T lr = T(r.learning_rate), one_minus_b1 = T(1.0 - r.beta_1);
  const T one_minus_b2 = T(1.0 - r.beta_2), eps = T(r.epsilon);
  const T u_t = T(r.step_factors[0]), u_next = T(r.step_factors[1]);
  const T one_minus_product = T(1) - T(r.step_factors[2]);
  const T one_minus_product_next = T(1) - T(r.step_factors[3]);
  const T one_minus_u_t = T(1) - u_t, v_correction = T(r.step_factors[4]);
  T* __restrict m = s[0], * __restrict v = s[1];
  for (int64_t i = 0; i < n; ++i) {
    const T gi = g[i];
    m[i] = m[i] + (gi - m[i]) * one_minus_b1;
    v[i] = v[i] + (gi * gi - v[i]) * one_minus_b2;
    const T m_hat = u_next * m[i] / one_minus_product_next + one_minus_u_t * gi / one_minus_product;
    w[i] = w[i] - m_hat * lr / (std::sqrt(v[i] / v_correction) + eps);
  }
}

template <class T>
void update_typed(const UpdateRule& r, T* __restrict w, const T* __restrict g, T* const* s,
                  int64_t n) {
  const bool momentum = r.momentum != 0.0;
  switch (r.kind) {
    case UpdateKind::Sgd:
      if (!momentum) return sgd<T, false, false>(r, w, g, s, n);
      return r.nesterov ? sgd<T, true, true>(r, w, g, s, n) : sgd<T, true, false>(r, w, g, s, n);
    case UpdateKind::Rmsprop:
      if (r.centered)
        return momentum ? rmsprop<T, true, true>(r, w, g, s, n)
                        : rmsprop<T, true, false>(r, w, g, s, n);
      return momentum ? rmsprop<T, false, true>(r, w, g, s, n)
                      : rmsprop<T, false, false>(r, w, g, s, n);
    case UpdateKind::Adam:
      return r.amsgrad ? adam<T, true>(r, w, g, s, n) : adam<T, false>(r, w, g, s, n);
    case UpdateKind::Adagrad:
      return adagrad<T>(r, w, g, s, n);
    case UpdateKind::Adadelta:
      return adadelta<T>(r, w, g, s, n);
    case UpdateKind::Adamax:
      return adamax<T>(r, w, g, s, n);
    case UpdateKind::Nadam:
      return nadam<T>(r, w, g, s, n);
  }
}

template <class T>
void update_offset(const UpdateRule& r, void* variable, const void* gradient, void* const* slots,
                   int64_t begin, int64_t end) {
  T* s[3];
  for (int k = 0; k < 3; ++k) s[k] = slots[k] ? static_cast<T*>(slots[k]) + begin : nullptr;
  update_typed<T>(r, static_cast<T*>(variable) + begin, static_cast<const T*>(gradient) + begin, s,
                  end - begin);
}

}  // namespace

void update_range(const UpdateRule& rule, DType dtype, void* variable, const void* gradient,
                  void* const* slots, int64_t begin, int64_t end) {
  if (dtype == DType::Float64)
    return update_offset<double>(rule, variable, gradient, slots, begin, end);
  update_offset<float>(rule, variable, gradient, slots, begin, end);
}

}  // namespace tapeflow::cpu::TF_ISA
