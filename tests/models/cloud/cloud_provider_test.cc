// CloudProvider on its own: disks (create, attach within zone and limit, one attachment at a time,
// detach, delete), quotas, stockouts and the launch token bucket.
#include "models/cloud/cloud_provider.h"

#include <catch2/catch.hpp>

namespace kubesim::cloud {
namespace {

CloudConfig TwoZones() {
  CloudConfig c;
  c.region = "r1";
  c.zones = {"r1a", "r1b"};
  InstanceType t;
  t.name = "m.large";
  t.family = "m";
  t.capacity[api::kResourceCPU] = *api::Quantity::Parse("2");
  t.capacity[api::kResourceMemory] = *api::Quantity::Parse("8Gi");
  t.price = 0.1;
  c.instance_types = {t};
  NodeGroupConfig g;
  g.name = "a";
  g.instance_types = {"m.large"};
  g.zones = {"r1a"};
  g.max_size = 10;
  g.size = 2;
  NodeGroupConfig h = g;
  h.name = "b";
  h.zones = {"r1b"};
  h.size = 1;
  c.node_groups = {g, h};
  c.provisioning_latency = apiserver::LatencyModel::Fixed(sim::Duration::Seconds(30));
  c.disks.create_latency = apiserver::LatencyModel::Fixed(sim::Duration::Seconds(10));
  c.disks.attach_latency = apiserver::LatencyModel::Fixed(sim::Duration::Seconds(15));
  c.disks.detach_latency = apiserver::LatencyModel::Fixed(sim::Duration::Seconds(15));
  c.disks.max_volumes_per_instance = 2;
  return c;
}

TEST_CASE("Cloud disks: zonal, one attachment at a time, within the attach limit", "[cloud]") {
  sim::Simulation sim(1);
  CloudConfig config = TwoZones();
  CloudProvider cloud(sim, config, {});
  cloud.BootInitialInstances();
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    cloud.CreateDisk("r1a", 10 << 30, "gp3", [&](const sim::Status& st, const Disk* d) {
      REQUIRE(st.ok());
      ids.push_back(d->id);
    });
  }
  std::string err;
  cloud.CreateDisk("r9z", 1, "gp3", [&](const sim::Status& st, const Disk*) { err = st.message(); });
  CHECK(err == "zone r9z is not in region r1");
  sim.RunUntil(sim::Time::Zero() + sim::Duration::Seconds(10));
  REQUIRE(ids.size() == 3);
  CHECK(cloud.FindDisk(ids[0])->state == DiskState::kAvailable);

  std::vector<std::string> results;
  auto record = [&](const sim::Status& st, const Disk*) {
    results.push_back(st.ok() ? "ok@" + std::to_string(static_cast<int>(sim.Now().ToSeconds())) : st.message());
  };
  cloud.AttachDisk(ids[0], "a-0", record);
  cloud.AttachDisk(ids[0], "a-1", record);  // Multi-Attach: already attaching to a-0
  cloud.AttachDisk(ids[1], "b-0", record);  // another zone
  cloud.AttachDisk(ids[1], "a-0", record);
  cloud.AttachDisk(ids[2], "a-0", record);  // a third disk: the limit is 2
  CHECK(cloud.DisksOn("a-0") == 2);
  sim.RunUntil(sim::Time::Zero() + sim::Duration::Seconds(25));
  CHECK(results == std::vector<std::string>{
                       "VolumeInUse: " + ids[0] + " is attaching on a-0",
                       "InvalidVolume.ZoneMismatch: " + ids[1] + " is in r1a, b-0 in r1b",
                       "AttachmentLimitExceeded: a-0 has 2 disks attached",
                       "ok@25",
                       "ok@25",
                   });
  CHECK(cloud.FindDisk(ids[0])->state == DiskState::kInUse);
  CHECK_FALSE(cloud.DeleteDisk(ids[0]).ok());  // in use
  results.clear();
  cloud.DetachDisk(ids[0], record);
  sim.RunUntil(sim::Time::Zero() + sim::Duration::Seconds(40));
  CHECK(results == std::vector<std::string>{"ok@40"});
  CHECK(cloud.FindDisk(ids[0])->state == DiskState::kAvailable);
  CHECK(cloud.FindDisk(ids[0])->node.empty());
  CHECK(cloud.DeleteDisk(ids[0]).ok());
  CHECK(cloud.FindDisk(ids[0])->state == DiskState::kDeleted);
}

TEST_CASE("Cloud instances: stockouts move launches to a zone in stock, quotas fail them", "[cloud]") {
  sim::Simulation sim(1);
  CloudConfig config = TwoZones();
  config.node_groups[0].zones = {"r1a", "r1b"};
  config.node_groups[0].size = 0;
  config.node_groups[1].size = 0;
  config.total_vcpu_quota = 6;  // three 2-vCPU instances
  CloudProvider cloud(sim, config, {});
  cloud.BootInitialInstances();
  cloud.Stockout("r1a", "m.large", sim::Duration::Hours(1));
  REQUIRE(cloud.IncreaseSize("a", 4).ok());
  sim.RunUntil(sim::Time::Zero() + sim::Duration::Seconds(60));
  int running = 0, failed = 0;
  for (const Instance* inst : cloud.Instances("a")) {
    if (inst->state == InstanceState::kRunning) {
      ++running;
      CHECK(inst->zone == "r1b");
    }
    if (inst->state == InstanceState::kFailed) {
      ++failed;
      CHECK(inst->error_code == "VcpuLimitExceeded");
    }
  }
  CHECK(running == 3);
  CHECK(failed == 1);
  CHECK_FALSE(cloud.IncreaseSize("a", 8).ok());  // above maxSize
  // Cost: three instances for 30 s each at $0.10/h.
  CHECK(cloud.Summary(sim.Now()).cost_usd == Approx(3 * 0.1 * 30 / 3600.0));
}

TEST_CASE("Cloud instances: launches wait for the token bucket", "[cloud]") {
  sim::Simulation sim(1);
  CloudConfig config = TwoZones();
  config.node_groups[0].size = 0;
  config.node_groups[1].size = 0;
  config.api_rate_limit = ApiRateLimit{1, 2};  // 2 at once, then one a second
  std::vector<double> booted;
  CloudHooks hooks;
  hooks.booted = [&](const Instance&, std::shared_ptr<const api::Node>) { booted.push_back(sim.Now().ToSeconds()); };
  CloudProvider cloud(sim, config, std::move(hooks));
  cloud.BootInitialInstances();
  REQUIRE(cloud.IncreaseSize("a", 4).ok());
  sim.RunUntil(sim::Time::Zero() + sim::Duration::Minutes(2));
  CHECK(booted == std::vector<double>{30, 30, 31, 32});
}

}  // namespace
}  // namespace kubesim::cloud
