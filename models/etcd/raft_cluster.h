// RaftCluster: an etcd v3.5 cluster at the level of raft — which member leads, when an election
// ends, and when a proposal commits or fails — under the virtual clock (etcd-io/etcd raft/raft.go
// and server/etcdserver/server.go, v3_server.go @ v3.5.16).
//
// The API server hands every write (and every linearizable read) to Propose (ReadIndex) once its
// request latency has passed; the MvccStore applies it when the cluster says it committed.
//
// Latency. The API server's per-verb latencies are end-to-end figures measured against a healthy
// etcd, so they already contain a healthy commit. The commit itself is modelled as etcd's docs
// describe it (etcd.io/docs/v3.5/op-guide/performance: one member round trip plus one fsync):
// max(leader fsync, the (quorum−1)-th fastest of follower round trip + follower fsync). A write
// waits for the *excess* of that commit over the same draws on a healthy cluster (all members up,
// nominal disks), so a healthy cluster commits at once — as before this model existed — and a
// slow disk or a lost member adds exactly what it costs.
//
// Failures, as the v3.5 code decides them:
//  - The leader's member stops: followers notice after their randomised election timeout
//    (electionTimeout plus a uniform draw below electionTimeout, in ticks: raft.go
//    resetRandomizedElectionTimeout); a pre-vote and a vote round (two round trips) later the
//    first of them leads, if a quorum is up.
//    Until they notice, proposals go to the dead leader and fail after the request timeout
//    (7 s): "etcdserver: request timed out, possibly due to previous leader failure".
//  - While members know there is no leader (election in progress, or no quorum), raft drops a
//    proposal at once (stepFollower/stepCandidate: ErrProposalDropped).
//  - A leader that loses its quorum keeps accepting proposals that cannot commit until CheckQuorum
//    steps it down (within one election timeout); they commit if the quorum comes back first,
//    else fail after the request timeout ("possibly due to connection lost").
//  - A linearizable read needs the leader: while there is none it waits, fails with "etcdserver:
//    leader changed" when a new leader is elected and "etcdserver: request timed out" after 7 s.
// Nothing acknowledged is lost: a commit is applied before its caller hears of it.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/etcd/config.h"
#include "sim/owner.h"
#include "sim/simulation.h"

namespace kubesim::etcd {

class RaftCluster {
 public:
  using Commit = std::function<void()>;
  using Fail = std::function<void(const std::string& message)>;

  // Member 0 leads at the start (the bootstrap election is not simulated). REQUIRES: members >= 1.
  RaftCluster(sim::Simulation& sim, EtcdConfig config);
  RaftCluster(const RaftCluster&) = delete;
  RaftCluster& operator=(const RaftCluster&) = delete;

  // True when a proposal made now commits now: a leader, every member up, nominal disks. The API
  // server's fast path; Propose would say the same, at the cost of two std::functions.
  bool CommitsNow() const { return leader_ >= 0 && down_ == 0 && disk_factor_ == 1.0; }
  // A write: `commit` runs when it commits (at once, later, or never), else `fail` runs once with
  // etcd's error message. Exactly one of them runs while the cluster lives.
  void Propose(Commit commit, Fail fail);
  // A linearizable read (ReadIndex): `serve` runs when the leader confirms it, else `fail`.
  void ReadIndex(Commit serve, Fail fail);

  // Faults (timeline actions). A member that is down neither votes nor stores; one that comes back
  // rejoins as a follower (pre-vote keeps it from deposing a healthy leader).
  void MemberDown(int member);
  void MemberUp(int member);
  // Every member's fsync takes `factor` times as long (1 = nominal). REQUIRES: factor >= 1.
  void SetDiskFactor(double factor);

  const EtcdConfig& config() const { return config_; }
  int leader() const { return leader_; }  // -1: none
  bool member_up(int member) const { return up_[static_cast<size_t>(member)]; }
  int live_members() const { return config_.members - down_; }
  bool has_quorum() const { return live_members() >= config_.Quorum(); }

  struct Stats {
    int64_t leader_changes = 0;  // elections after the start (etcd_server_leader_changes_seen_total)
    double seconds_without_leader = 0;
    double seconds_without_quorum = 0;
    int64_t failed_proposals = 0;
    int64_t failed_reads = 0;
  };
  // Up to now (an interval still open counts until now).
  Stats stats() const;

 private:
  struct Waiter {
    Commit done;
    Fail fail;
    sim::Time started;
    std::shared_ptr<bool> settled;
  };

  sim::Duration CommitExcess();
  sim::Duration RandomizedElectionTimeout();
  void CommitAt(sim::Time t, Commit commit);
  void LoseLeader();
  void ScheduleElection();
  void BecomeLeader(int member);
  void CheckQuorumLater();
  void TimeOutLater(const std::shared_ptr<Waiter>& w, bool read);
  void ReleasePendingWrites();
  void NoteQuorumChange(bool had_quorum);

  sim::Simulation& sim_;
  EtcdConfig config_;
  sim::Rng& election_rng_;
  sim::Rng& commit_rng_;
  std::vector<bool> up_;
  int down_ = 0;
  int leader_ = 0;
  // Followers still follow a leader that is gone (until their election timeout passes).
  bool leader_gone_unnoticed_ = false;
  bool election_scheduled_ = false;
  bool step_down_scheduled_ = false;
  double disk_factor_ = 1.0;
  sim::Time last_commit_ = sim::Time::Zero();
  sim::Time leader_elected_at_ = sim::Time::Zero();
  std::optional<sim::Time> without_leader_since_;
  std::optional<sim::Time> without_quorum_since_;
  std::deque<std::shared_ptr<Waiter>> pending_writes_;  // proposed to a leader without quorum
  std::deque<std::shared_ptr<Waiter>> pending_reads_;   // waiting for a leader
  Stats stats_;
  sim::Owner owner_{sim_};
};

}  // namespace kubesim::etcd
