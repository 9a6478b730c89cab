#include "kernels/cpu/parallel.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace tapeflow::cpu {
namespace {

thread_local bool inside_parallel_region = false;

// A worker that finds no new job spins this long before it sleeps: eager ops arrive a few
// microseconds apart, and waking a sleeping thread costs tens of microseconds.
constexpr auto kSpinBeforeSleep = std::chrono::microseconds(50);

int default_threads() {
  const unsigned hw = std::thread::hardware_concurrency();
  return hw == 0 ? 1 : int(hw);
}

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  _mm_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

// Denormal (subnormal) floats flushed to zero: results (FTZ) and inputs (DAZ). Arithmetic on
// them can take a hundred times longer on x86, and TensorFlow's CPU kernels flush them too.
#if defined(__x86_64__) || defined(__i386__)
constexpr unsigned kFlushBits = 0x8040;  // MXCSR: FTZ (bit 15) | DAZ (bit 6)
unsigned read_fp_control() {
  return _mm_getcsr();
}
void write_fp_control(unsigned value) {
  _mm_setcsr(value);
}
#elif defined(__aarch64__)
constexpr unsigned kFlushBits = 1u << 24;  // FPCR.FZ flushes both inputs and results
unsigned read_fp_control() {
  uint64_t value;
  asm volatile("mrs %0, fpcr" : "=r"(value));
  return unsigned(value);
}
void write_fp_control(unsigned value) {
  asm volatile("msr fpcr, %0" : : "r"(uint64_t(value)));
}
#else
constexpr unsigned kFlushBits = 0;
unsigned read_fp_control() {
  return 0;
}
void write_fp_control(unsigned) {}
#endif

}  // namespace

ScopedFlushDenormals::ScopedFlushDenormals() : saved_(read_fp_control()) {
  if ((saved_ & kFlushBits) != kFlushBits) write_fp_control(saved_ | kFlushBits);
}
ScopedFlushDenormals::~ScopedFlushDenormals() {
  if ((saved_ & kFlushBits) != kFlushBits) write_fp_control(saved_);
}

namespace {

// Runs one job at a time: `chunks` calls of chunk_fn(c), claimed one by one from an atomic
// counter by the caller and by whichever workers are awake. The caller never waits for a
// worker that has not started: it closes the job once every chunk is claimed and waits only
// for the workers inside it. So a worker that a busy core keeps off the CPU costs nothing but
// its share of the speed-up (the caller runs the job alone), never a stall.
class ThreadPool {
 public:
  ~ThreadPool() { stop(); }

  int size() const { return target_threads_; }

  void resize(int n) {
    std::lock_guard<std::mutex> run_lock(run_mutex_);
    stop();
    target_threads_ = n;
  }

  void run(int64_t chunks, const std::function<void(int64_t)>& chunk_fn) {
    std::lock_guard<std::mutex> run_lock(run_mutex_);  // one parallel job at a time
    ensure_started();
    job_ = &chunk_fn;
    job_chunks_ = chunks;
    error_ = nullptr;
    next_chunk_.store(0);
    open_.store(true);  // seq_cst, as every atomic below: the hand-offs rely on one order
    generation_.fetch_add(1);
    if (sleepers_.load() > 0) {
      std::lock_guard<std::mutex> lock(sleep_mutex_);
      wake_.notify_all();
    }
    work_on_job(chunk_fn, chunks);
    open_.store(false);  // every chunk is claimed: late workers back out
    for (int spins = 0; active_.load() != 0; ++spins) {
      if (spins < 1000)
        cpu_relax();
      else
        std::this_thread::yield();  // a worker inside the job lost its core
    }
    if (error_) std::rethrow_exception(error_);
  }

 private:
  void ensure_started() {
    const int wanted = std::max(target_threads_, 1) - 1;
    if (int(workers_.size()) == wanted) return;
    shutting_down_.store(false);
    // Each worker starts from the current generation, so a job published before the thread
    // gets scheduled is still seen as new.
    const uint64_t start_generation = generation_.load();
    for (int i = 0; i < wanted; ++i)
      workers_.emplace_back([this, start_generation] { worker_loop(start_generation); });
  }

  void stop() {
    {
      std::lock_guard<std::mutex> lock(sleep_mutex_);
      shutting_down_.store(true);
    }
    wake_.notify_all();
    for (auto& t : workers_) t.join();
    workers_.clear();
  }

  void work_on_job(const std::function<void(int64_t)>& fn, int64_t chunks) {
    inside_parallel_region = true;
    for (int64_t c = next_chunk_.fetch_add(1); c < chunks; c = next_chunk_.fetch_add(1)) {
      try {
        fn(c);
      } catch (...) {
        std::lock_guard<std::mutex> lock(error_mutex_);
        if (!error_) error_ = std::current_exception();
      }
    }
    inside_parallel_region = false;
  }

  // Waits for a generation other than `seen`: spins first, then sleeps. False at shutdown.
  bool wait_for_job(uint64_t seen) {
    const auto spin_until = std::chrono::steady_clock::now() + kSpinBeforeSleep;
    for (int i = 1;; ++i) {
      if (generation_.load() != seen) return true;
      if (shutting_down_.load()) return false;
      if (i % 64 == 0 && std::chrono::steady_clock::now() > spin_until) break;
      cpu_relax();
    }
    std::unique_lock<std::mutex> lock(sleep_mutex_);
    sleepers_.fetch_add(1);  // before re-reading the generation: run() reads it after bumping
    wake_.wait(lock, [&] { return shutting_down_.load() || generation_.load() != seen; });
    sleepers_.fetch_sub(1);
    return !shutting_down_.load();
  }

  void worker_loop(uint64_t seen) {
    ScopedFlushDenormals flush;  // for the thread's whole life: it only runs kernels
    while (wait_for_job(seen)) {
      seen = generation_.load();
      active_.fetch_add(1);  // then check the job is still open: run() closes it, then
      if (open_.load())      // waits for active_ == 0, so job_ stays valid while we use it
        work_on_job(*job_, job_chunks_);
      active_.fetch_sub(1);
    }
  }

  int target_threads_ = default_threads();
  std::vector<std::thread> workers_;
  std::mutex run_mutex_;
  // The current job: written by run() only while it is closed and no worker is inside.
  const std::function<void(int64_t)>* job_ = nullptr;
  int64_t job_chunks_ = 0;
  std::atomic<int64_t> next_chunk_{0};
  std::atomic<bool> open_{false};
  std::atomic<int> active_{0};  // workers that joined the current job
  std::atomic<uint64_t> generation_{0};
  std::atomic<bool> shutting_down_{false};
  std::mutex error_mutex_;
  std::exception_ptr error_;
  // Sleeping workers wait on wake_; run() notifies only when some are asleep.
  std::mutex sleep_mutex_;
  std::condition_variable wake_;
  std::atomic<int> sleepers_{0};
};

ThreadPool& pool() {
  static auto* instance = new ThreadPool();  // leaked: workers must outlive static teardown
  return *instance;
}

}  // namespace

int num_threads() {
  return pool().size();
}

void set_num_threads(int n) {
  pool().resize(n < 1 ? default_threads() : n);
}

void parallel_for(int64_t begin, int64_t end, int64_t grain,
                  const std::function<void(int64_t, int64_t)>& fn) {
  const int64_t n = end - begin;
  if (n <= 0) return;
  ScopedFlushDenormals flush;
  grain = std::max<int64_t>(grain, 1);
  const int threads = num_threads();
  if (threads <= 1 || n <= grain || inside_parallel_region) {
    fn(begin, end);
    return;
  }
  // Enough chunks to balance load, each at least `grain` long.
  const int64_t chunks = std::min<int64_t>((n + grain - 1) / grain, int64_t(threads) * 4);
  const int64_t chunk_size = (n + chunks - 1) / chunks;
  pool().run(chunks, [&](int64_t c) {
    const int64_t lo = begin + c * chunk_size;
    const int64_t hi = std::min(end, lo + chunk_size);
    if (lo < hi) fn(lo, hi);
  });
}

}  // namespace tapeflow::cpu
