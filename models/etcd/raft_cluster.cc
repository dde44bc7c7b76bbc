#include "models/etcd/raft_cluster.h"

#include <algorithm>

namespace kubesim::etcd {
namespace {

sim::Duration Scale(sim::Duration d, double factor) {
  return sim::Duration::FromNanosRounded(static_cast<double>(d.nanos()) * factor);
}

// etcd's error strings (etcd-io/etcd server/etcdserver/errors.go @ v3.5.16). A dropped proposal
// is raft's ErrProposalDropped, which the gRPC layer does not map to an etcd error, so it reaches
// the API server as a gRPC status with code Unknown.
constexpr const char* kProposalDropped = "rpc error: code = Unknown desc = raft proposal dropped";
constexpr const char* kTimeout = "etcdserver: request timed out";
constexpr const char* kTimeoutLeaderFail = "etcdserver: request timed out, possibly due to previous leader failure";
constexpr const char* kTimeoutConnectionLost = "etcdserver: request timed out, possibly due to connection lost";
constexpr const char* kLeaderChanged = "etcdserver: leader changed";

}  // namespace

RaftCluster::RaftCluster(sim::Simulation& sim, EtcdConfig config)
    : sim_(sim),
      config_(config),
      election_rng_(sim.Stream("etcd/election")),
      commit_rng_(sim.Stream("etcd/commit")),
      up_(static_cast<size_t>(config.members), true) {}

sim::Duration RaftCluster::RandomizedElectionTimeout() {
  // electionTimeout + rand.Intn(electionTimeout), in ticks of one heartbeat interval.
  int64_t ticks = std::max<int64_t>(1, config_.election_timeout.nanos() / config_.heartbeat_interval.nanos());
  return config_.election_timeout +
         config_.heartbeat_interval * static_cast<int64_t>(election_rng_.UniformInt(static_cast<uint64_t>(ticks)));
}

sim::Duration RaftCluster::CommitExcess() {
  // The same draws judged twice: as the cluster is now and as a healthy cluster would be.
  sim::Duration leader_fsync = config_.fsync.Sample(commit_rng_);
  std::vector<sim::Duration> now_acks, healthy_acks;
  for (int m = 0; m < config_.members; ++m) {
    if (m == leader_) continue;
    sim::Duration rtt = config_.peer_round_trip.Sample(commit_rng_);
    sim::Duration fsync = config_.fsync.Sample(commit_rng_);
    healthy_acks.push_back(rtt + fsync);
    if (up_[static_cast<size_t>(m)]) now_acks.push_back(rtt + Scale(fsync, disk_factor_));
  }
  const size_t k = static_cast<size_t>(config_.Quorum() - 1);  // follower acks a commit needs
  auto commit = [k](sim::Duration own, std::vector<sim::Duration>& acks) {
    if (k == 0) return own;
    std::nth_element(acks.begin(), acks.begin() + static_cast<std::ptrdiff_t>(k - 1), acks.end());
    return std::max(own, acks[k - 1]);
  };
  sim::Duration now = commit(Scale(leader_fsync, disk_factor_), now_acks);
  sim::Duration healthy = commit(leader_fsync, healthy_acks);
  return std::max(sim::Duration::Zero(), now - healthy);
}

void RaftCluster::CommitAt(sim::Time t, Commit commit) {
  // Raft commits in log order: a proposal never overtakes an earlier one.
  t = std::max(t, last_commit_);
  last_commit_ = t;
  if (t <= sim_.Now()) {
    commit();
    return;
  }
  owner_.At(t, std::move(commit));
}

void RaftCluster::Propose(Commit commit, Fail fail) {
  if (CommitsNow()) {
    commit();
    return;
  }
  if (leader_ >= 0 && has_quorum()) {
    CommitAt(sim_.Now() + CommitExcess(), std::move(commit));
    return;
  }
  if (leader_ < 0 && !leader_gone_unnoticed_) {
    stats_.failed_proposals++;
    fail(kProposalDropped);
    return;
  }
  auto w =
      std::make_shared<Waiter>(Waiter{std::move(commit), std::move(fail), sim_.Now(), std::make_shared<bool>(false)});
  // A leader without quorum holds the entry (it commits if the quorum returns in time); a dead
  // leader takes it with it.
  if (leader_ >= 0) pending_writes_.push_back(w);
  TimeOutLater(w, /*read=*/false);
}

void RaftCluster::ReadIndex(Commit serve, Fail fail) {
  if (leader_ >= 0 && has_quorum()) {
    serve();
    return;
  }
  auto w =
      std::make_shared<Waiter>(Waiter{std::move(serve), std::move(fail), sim_.Now(), std::make_shared<bool>(false)});
  pending_reads_.push_back(w);
  TimeOutLater(w, /*read=*/true);
}

void RaftCluster::TimeOutLater(const std::shared_ptr<Waiter>& w, bool read) {
  owner_.After(config_.RequestTimeout(), [this, w, read]() {
    if (*w->settled) return;
    *w->settled = true;
    if (read) {
      stats_.failed_reads++;
      w->fail(kTimeout);
      return;
    }
    stats_.failed_proposals++;
    // Upstream parseProposeCtxErr.
    const sim::Duration two_elections = config_.election_timeout * 2;
    if (w->started > leader_elected_at_ - two_elections && w->started < leader_elected_at_) {
      w->fail(kTimeoutLeaderFail);
    } else if (leader_ >= 0 && !has_quorum()) {
      w->fail(kTimeoutConnectionLost);
    } else {
      w->fail(kTimeout);
    }
  });
}

void RaftCluster::ReleasePendingWrites() {
  std::deque<std::shared_ptr<Waiter>> pending;
  pending.swap(pending_writes_);
  for (auto& w : pending) {
    if (*w->settled) continue;
    *w->settled = true;
    CommitAt(sim_.Now() + CommitExcess(), std::move(w->done));
  }
}

void RaftCluster::NoteQuorumChange(bool had_quorum) {
  if (had_quorum && !has_quorum()) without_quorum_since_ = sim_.Now();
  if (!had_quorum && has_quorum() && without_quorum_since_) {
    stats_.seconds_without_quorum += (sim_.Now() - *without_quorum_since_).ToSeconds();
    without_quorum_since_.reset();
  }
}

void RaftCluster::LoseLeader() {
  leader_ = -1;
  without_leader_since_ = sim_.Now();
}

void RaftCluster::ScheduleElection() {
  if (election_scheduled_ || leader_ >= 0 || live_members() == 0) return;
  election_scheduled_ = true;
  // Every live member's randomised timeout runs; the first to expire campaigns.
  int candidate = -1;
  sim::Duration first = sim::Duration::Zero();
  for (int m = 0; m < config_.members; ++m) {
    if (!up_[static_cast<size_t>(m)]) continue;
    sim::Duration t = RandomizedElectionTimeout();
    if (candidate < 0 || t < first) {
      candidate = m;
      first = t;
    }
  }
  owner_.After(first, [this, candidate]() {
    leader_gone_unnoticed_ = false;  // the members know now: proposals are dropped from here on
    if (!has_quorum() || !up_[static_cast<size_t>(candidate)]) {
      election_scheduled_ = false;  // no quorum to vote: campaigns fail until a member returns
      return;
    }
    // A pre-vote round, then the vote (etcd enables PreVote): two round trips.
    sim::Duration rounds =
        config_.peer_round_trip.Sample(election_rng_) + config_.peer_round_trip.Sample(election_rng_);
    owner_.After(rounds, [this, candidate]() {
      election_scheduled_ = false;
      if (leader_ >= 0) return;
      if (!has_quorum() || !up_[static_cast<size_t>(candidate)]) {
        ScheduleElection();
        return;
      }
      BecomeLeader(candidate);
    });
  });
}

void RaftCluster::BecomeLeader(int member) {
  leader_ = member;
  leader_elected_at_ = sim_.Now();
  stats_.leader_changes++;
  if (without_leader_since_) {
    stats_.seconds_without_leader += (sim_.Now() - *without_leader_since_).ToSeconds();
    without_leader_since_.reset();
  }
  // ReadIndex requests waiting on the old term fail (v3_server.go requestCurrentIndex).
  std::deque<std::shared_ptr<Waiter>> reads;
  reads.swap(pending_reads_);
  for (auto& w : reads) {
    if (*w->settled) continue;
    *w->settled = true;
    stats_.failed_reads++;
    w->fail(kLeaderChanged);
  }
}

void RaftCluster::CheckQuorumLater() {
  if (step_down_scheduled_) return;
  step_down_scheduled_ = true;
  // CheckQuorum runs once per election timeout; the loss falls somewhere in that window.
  auto wait = sim::Duration::Nanoseconds(
      static_cast<int64_t>(election_rng_.UniformInt(static_cast<uint64_t>(config_.election_timeout.nanos()))));
  owner_.After(wait, [this]() {
    step_down_scheduled_ = false;
    if (leader_ < 0 || has_quorum()) return;
    LoseLeader();  // "stepped down to follower since quorum is not active"
    ScheduleElection();
  });
}

void RaftCluster::MemberDown(int member) {
  auto m = static_cast<size_t>(member);
  if (!up_[m]) return;
  const bool had = has_quorum();
  up_[m] = false;
  down_++;
  NoteQuorumChange(had);
  if (member == leader_) {
    LoseLeader();
    leader_gone_unnoticed_ = true;
    // Its uncommitted entries go with it: those proposals time out.
    pending_writes_.clear();
    ScheduleElection();
  } else if (leader_ >= 0 && !has_quorum()) {
    CheckQuorumLater();
  }
}

void RaftCluster::MemberUp(int member) {
  auto m = static_cast<size_t>(member);
  if (up_[m]) return;
  const bool had = has_quorum();
  up_[m] = true;
  down_--;
  NoteQuorumChange(had);
  if (leader_ >= 0 && has_quorum()) {
    ReleasePendingWrites();
  } else if (leader_ < 0) {
    ScheduleElection();
  }
}

void RaftCluster::SetDiskFactor(double factor) { disk_factor_ = std::max(1.0, factor); }

RaftCluster::Stats RaftCluster::stats() const {
  Stats s = stats_;
  if (without_leader_since_) s.seconds_without_leader += (sim_.Now() - *without_leader_since_).ToSeconds();
  if (without_quorum_since_) s.seconds_without_quorum += (sim_.Now() - *without_quorum_since_).ToSeconds();
  return s;
}

}  // namespace kubesim::etcd
