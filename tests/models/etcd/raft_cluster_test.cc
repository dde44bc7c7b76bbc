// The raft-level etcd model against etcd v3.5's rules (etcd-io/etcd raft/raft.go,
// server/etcdserver/server.go parseProposeCtxErr, v3_server.go @ v3.5.16).
#include "models/etcd/raft_cluster.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace kubesim::etcd {
namespace {

sim::Time At(double s) { return sim::Time::Zero() + sim::Duration::Nanoseconds(static_cast<int64_t>(s * 1e9)); }

// What became of one proposal or read: when, and with which error ("" = committed / served).
struct Outcome {
  bool settled = false;
  double at = -1;
  std::string error;
};

void Propose(sim::Simulation& sim, RaftCluster& raft, Outcome* out) {
  raft.Propose(
      [&sim, out] {
        *out = {true, (sim.Now() - sim::Time::Zero()).ToSeconds(), ""};
      },
      [&sim, out](const std::string& e) {
        *out = {true, (sim.Now() - sim::Time::Zero()).ToSeconds(), e};
      });
}

void Read(sim::Simulation& sim, RaftCluster& raft, Outcome* out) {
  raft.ReadIndex(
      [&sim, out] {
        *out = {true, (sim.Now() - sim::Time::Zero()).ToSeconds(), ""};
      },
      [&sim, out](const std::string& e) {
        *out = {true, (sim.Now() - sim::Time::Zero()).ToSeconds(), e};
      });
}

TEST_CASE("A healthy cluster commits every proposal at once", "[etcd][raft]") {
  sim::Simulation sim(1);
  RaftCluster raft(sim, EtcdConfig{});
  CHECK(raft.leader() == 0);
  CHECK(raft.CommitsNow());
  Outcome o;
  Propose(sim, raft, &o);
  CHECK(o.settled);
  CHECK(o.error.empty());
  CHECK(o.at == 0);
  CHECK(raft.stats().leader_changes == 0);
}

TEST_CASE("Leader loss: a follower leads after its randomised election timeout and two round trips", "[etcd][raft]") {
  for (uint64_t seed : {1, 2, 3, 4, 5, 6, 7, 8}) {
    sim::Simulation sim(seed);
    RaftCluster raft(sim, EtcdConfig{});
    Outcome before, after;
    sim.At(At(10), [&] { raft.MemberDown(0); });
    // Sent while the followers still follow the dead leader: lost with it, failed after 7 s.
    sim.At(At(10.5), [&] { Propose(sim, raft, &before); });
    sim.RunUntil(At(30));
    REQUIRE(raft.leader() > 0);
    CHECK(raft.stats().leader_changes == 1);
    // electionTimeout + rand(electionTimeout) ticks: 1.0 s to 1.9 s, plus pre-vote and vote.
    const double without = raft.stats().seconds_without_leader;
    CHECK(without >= 1.0);
    CHECK(without < 2.0);
    CHECK(before.settled);
    CHECK(before.at == Approx(17.5));
    CHECK(before.error == "etcdserver: request timed out, possibly due to previous leader failure");
    // A proposal made after the election commits (one member short, so maybe a little later).
    Propose(sim, raft, &after);
    sim.RunUntil(At(31));
    CHECK(after.settled);
    CHECK(after.error.empty());
    CHECK(after.at < 30.1);
  }
}

TEST_CASE("While members know there is no leader, proposals are dropped at once", "[etcd][raft]") {
  sim::Simulation sim(3);
  RaftCluster raft(sim, EtcdConfig{});
  sim.At(At(1), [&] { raft.MemberDown(1); });
  sim.At(At(1), [&] { raft.MemberDown(2); });
  sim.RunUntil(At(3));  // CheckQuorum stepped the leader down within one election timeout
  CHECK(raft.leader() == -1);
  CHECK_FALSE(raft.has_quorum());
  Outcome o;
  Propose(sim, raft, &o);
  CHECK(o.settled);
  CHECK(o.at == 3);
  CHECK(o.error == "rpc error: code = Unknown desc = raft proposal dropped");
  CHECK(raft.stats().failed_proposals == 1);
}

TEST_CASE("Quorum loss: reads time out, the quorum's return elects a leader, writes commit again", "[etcd][raft]") {
  sim::Simulation sim(4);
  RaftCluster raft(sim, EtcdConfig{});
  Outcome read, write;
  sim.At(At(60), [&] {
    raft.MemberDown(1);
    raft.MemberDown(2);
  });
  sim.At(At(70), [&] { Read(sim, raft, &read); });
  sim.At(At(180), [&] {
    raft.MemberUp(1);
    raft.MemberUp(2);
  });
  sim.RunUntil(At(200));
  CHECK(read.at == Approx(77));
  CHECK(read.error == "etcdserver: request timed out");
  REQUIRE(raft.leader() >= 0);
  CHECK(raft.stats().seconds_without_quorum == Approx(120));
  // Without a leader from the step-down (60 to 61 s) until the election (181 to 182 s).
  CHECK(raft.stats().seconds_without_leader > 120);
  CHECK(raft.stats().seconds_without_leader < 122);
  Propose(sim, raft, &write);
  CHECK(write.error.empty());
  CHECK(write.at == 200);
}

TEST_CASE("A leader without quorum holds a proposal: it commits if the quorum returns in time", "[etcd][raft]") {
  EtcdConfig config;
  config.election_timeout = sim::Duration::Seconds(10);  // CheckQuorum steps down within 10 s
  config.heartbeat_interval = sim::Duration::Seconds(1);
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    sim::Simulation sim(seed);
    RaftCluster raft(sim, config);
    Outcome o;
    raft.MemberDown(1);
    raft.MemberDown(2);
    Propose(sim, raft, &o);
    bool led_when_back = false;
    sim.At(At(0.001), [&] {
      led_when_back = raft.leader() == 0;
      raft.MemberUp(1);
    });
    sim.RunUntil(At(60));
    REQUIRE(o.settled);
    if (led_when_back) {
      CHECK(o.error.empty());
      CHECK(o.at < 0.1);
    } else {
      CHECK(o.error == "etcdserver: request timed out");
    }
  }
}

TEST_CASE("A slow disk delays commits by what the slower fsync costs, in log order", "[etcd][raft]") {
  sim::Simulation sim(5);
  RaftCluster raft(sim, EtcdConfig{});
  raft.SetDiskFactor(50);
  CHECK_FALSE(raft.CommitsNow());
  std::vector<Outcome> outs(50);
  for (auto& o : outs) Propose(sim, raft, &o);
  sim.RunUntil(At(5));
  double last = 0, total = 0;
  for (const auto& o : outs) {
    REQUIRE(o.settled);
    CHECK(o.error.empty());
    CHECK(o.at >= last);  // never overtakes an earlier proposal
    last = o.at;
    total += o.at;
  }
  // fsync median 2 ms x 50 = 100 ms extra for the first alone; the queue only adds to it.
  CHECK(outs.front().at > 0.02);
  CHECK(total / 50 > 0.05);
  raft.SetDiskFactor(1);
  CHECK(raft.CommitsNow());
}

TEST_CASE("A read waiting for a leader fails with leader changed when one is elected", "[etcd][raft]") {
  sim::Simulation sim(6);
  RaftCluster raft(sim, EtcdConfig{});
  Outcome read;
  raft.MemberDown(0);
  Read(sim, raft, &read);
  sim.RunUntil(At(10));
  CHECK(read.error == "etcdserver: leader changed");
  CHECK(read.at > 1.0);
  CHECK(read.at < 2.0);
  CHECK(raft.stats().failed_reads == 1);
}

TEST_CASE("Elections draw from the etcd/election stream: same seed, same leader and timing", "[etcd][raft]") {
  auto run = [](uint64_t seed) {
    sim::Simulation sim(seed);
    RaftCluster raft(sim, EtcdConfig{});
    raft.MemberDown(0);
    sim.RunUntil(At(10));
    return std::pair{raft.leader(), raft.stats().seconds_without_leader};
  };
  CHECK(run(11) == run(11));
  CHECK(run(12) == run(12));
}

}  // namespace
}  // namespace kubesim::etcd
