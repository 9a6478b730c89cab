#include "kernels/cpu/parallel.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace tapeflow::cpu {
namespace {

thread_local bool inside_parallel_region = false;

int default_threads() {
  const unsigned hw = std::thread::hardware_concurrency();
  return hw == 0 ? 1 : int(hw);
}

// Workers sleep on a condition variable between jobs. A job is a list of chunks claimed with
// an atomic counter, so a worker that is slow to wake (a busy neighbour core) simply claims
// fewer chunks and the caller finishes the rest.
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
    {
      std::lock_guard<std::mutex> lock(mutex_);
      job_ = &chunk_fn;
      job_chunks_ = chunks;
      next_chunk_.store(0);
      pending_workers_ = int(workers_.size());
      error_ = nullptr;
      ++generation_;
    }
    wake_.notify_all();
    work_on_job(chunk_fn, chunks);
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [&] { return pending_workers_ == 0; });
    job_ = nullptr;
    if (error_) std::rethrow_exception(error_);
  }

 private:
  void ensure_started() {
    const int wanted = std::max(target_threads_, 1) - 1;
    if (int(workers_.size()) == wanted) return;
    shutting_down_ = false;
    // Each worker starts from the current generation, so a job published before the thread
    // gets scheduled is still seen as new.
    const uint64_t start_generation = generation_;
    for (int i = 0; i < wanted; ++i)
      workers_.emplace_back([this, start_generation] { worker_loop(start_generation); });
  }

  void stop() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      shutting_down_ = true;
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
        std::lock_guard<std::mutex> lock(mutex_);
        if (!error_) error_ = std::current_exception();
      }
    }
    inside_parallel_region = false;
  }

  void worker_loop(uint64_t seen) {
    for (;;) {
      const std::function<void(int64_t)>* job;
      int64_t chunks;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [&] { return shutting_down_ || generation_ != seen; });
        if (shutting_down_) return;
        seen = generation_;
        job = job_;
        chunks = job_chunks_;
      }
      work_on_job(*job, chunks);
      {
        std::lock_guard<std::mutex> lock(mutex_);
        if (--pending_workers_ == 0) done_.notify_one();
      }
    }
  }

  int target_threads_ = default_threads();
  std::vector<std::thread> workers_;
  std::mutex run_mutex_;
  std::mutex mutex_;
  std::condition_variable wake_, done_;
  const std::function<void(int64_t)>* job_ = nullptr;
  int64_t job_chunks_ = 0;
  std::atomic<int64_t> next_chunk_{0};
  int pending_workers_ = 0;
  uint64_t generation_ = 0;
  bool shutting_down_ = false;
  std::exception_ptr error_;
};

ThreadPool& pool() {
  static auto* instance = new ThreadPool();  // leaked: workers must outlive static teardown
  return *instance;
}

}  // namespace

int num_threads() { return pool().size(); }

void set_num_threads(int n) { pool().resize(n < 1 ? default_threads() : n); }

void parallel_for(int64_t begin, int64_t end, int64_t grain,
                  const std::function<void(int64_t, int64_t)>& fn) {
  const int64_t n = end - begin;
  if (n <= 0) return;
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
