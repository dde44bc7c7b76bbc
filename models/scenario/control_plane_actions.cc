#include "models/scenario/control_plane_actions.h"

#include "models/etcd/raft_cluster.h"
#include "models/scenario/arrivals.h"

namespace kubesim::scenario {
namespace {

using api::YamlNode;

// The optional `duration:` after which the fault is undone; nullopt when absent.
sim::StatusOr<std::optional<sim::Duration>> UndoAfter(const YamlNode& args) {
  if (!args.Has("duration")) return std::optional<sim::Duration>();
  KUBESIM_ASSIGN_OR_RETURN(sim::Duration d, args["duration"].ToDuration());
  if (d <= sim::Duration::Zero()) return args["duration"].Error("Invalid value: must be positive");
  return std::optional<sim::Duration>(d);
}

sim::StatusOr<int> MemberArg(const YamlNode& args, ObjectLoader& loader) {
  if (!args.Has("member")) return args["member"].Error("Required value: the member's index, 0 to members-1");
  KUBESIM_ASSIGN_OR_RETURN(int32_t member, args["member"].Int32());
  const int members = loader.etcd() != nullptr ? loader.etcd()->members : etcd::EtcdConfig{}.members;
  if (member < 0 || member >= members) {
    return args["member"].Error("Invalid value: " + std::to_string(member) + ": spec.etcd has " +
                                std::to_string(members) + " members, numbered 0 to " + std::to_string(members - 1));
  }
  return member;
}

std::string For(const std::optional<sim::Duration>& d) { return d ? " for " + d->ToString() : ""; }

// {member: N, duration: D}: the member's process stops (and restarts after D).
sim::StatusOr<ParsedAction> ParseMemberDown(const YamlNode& args, ObjectLoader& loader) {
  KUBESIM_RETURN_IF_ERROR(args.ExpectMap());
  KUBESIM_RETURN_IF_ERROR(args.CheckKeys({"member", "duration"}));
  KUBESIM_ASSIGN_OR_RETURN(int member, MemberArg(args, loader));
  KUBESIM_ASSIGN_OR_RETURN(std::optional<sim::Duration> duration, UndoAfter(args));
  ParsedAction a;
  a.description = "etcd member " + std::to_string(member) + " down" + For(duration);
  a.run = [member, duration](ActionContext& ctx) {
    ctx.Etcd().MemberDown(member);
    if (duration) {
      ctx.After(*duration, "etcd member " + std::to_string(member) + " up",
                [member](ActionContext& c) { c.Etcd().MemberUp(member); });
    }
  };
  return a;
}

sim::StatusOr<ParsedAction> ParseMemberUp(const YamlNode& args, ObjectLoader& loader) {
  KUBESIM_RETURN_IF_ERROR(args.ExpectMap());
  KUBESIM_RETURN_IF_ERROR(args.CheckKeys({"member"}));
  KUBESIM_ASSIGN_OR_RETURN(int member, MemberArg(args, loader));
  ParsedAction a;
  a.description = "etcd member " + std::to_string(member) + " up";
  a.run = [member](ActionContext& ctx) { ctx.Etcd().MemberUp(member); };
  return a;
}

// {duration: D}: whichever member leads when the action runs stops (and restarts after D).
sim::StatusOr<ParsedAction> ParseLeaderDown(const YamlNode& args, ObjectLoader&) {
  if (args.Defined() && !args.IsMap()) return args.Error("Invalid value: expected a map, e.g. {duration: 30s}");
  std::optional<sim::Duration> duration;
  if (args.IsMap()) {
    KUBESIM_RETURN_IF_ERROR(args.CheckKeys({"duration"}));
    KUBESIM_ASSIGN_OR_RETURN(duration, UndoAfter(args));
  }
  ParsedAction a;
  a.description = "etcd leader down" + For(duration);
  a.run = [duration](ActionContext& ctx) {
    const int leader = ctx.Etcd().leader();
    if (leader < 0) return;  // no leader to stop: an election is already under way
    ctx.Etcd().MemberDown(leader);
    if (duration) {
      ctx.After(*duration, "etcd member " + std::to_string(leader) + " up",
                [leader](ActionContext& c) { c.Etcd().MemberUp(leader); });
    }
  };
  return a;
}

// {factor: F, duration: D}: every member's fsync takes F times as long.
sim::StatusOr<ParsedAction> ParseDiskSlow(const YamlNode& args, ObjectLoader&) {
  KUBESIM_RETURN_IF_ERROR(args.ExpectMap());
  KUBESIM_RETURN_IF_ERROR(args.CheckKeys({"factor", "duration"}));
  if (!args.Has("factor")) return args["factor"].Error("Required value: how many times slower fsync becomes");
  KUBESIM_ASSIGN_OR_RETURN(double factor, ParseNumber(args["factor"]));
  if (!(factor >= 1) || factor > 1e6) return args["factor"].Error("Invalid value: must be between 1 and 1000000");
  KUBESIM_ASSIGN_OR_RETURN(std::optional<sim::Duration> duration, UndoAfter(args));
  ParsedAction a;
  a.description = "etcd disk " + args["factor"].Scalar() + "x slower" + For(duration);
  a.run = [factor, duration](ActionContext& ctx) {
    ctx.Etcd().SetDiskFactor(factor);
    if (duration) ctx.After(*duration, "etcd disk nominal", [](ActionContext& c) { c.Etcd().SetDiskFactor(1); });
  };
  return a;
}

}  // namespace

void AddControlPlaneActions(std::map<std::string, ActionParser>& actions) {
  actions["etcdMemberDown"] = ParseMemberDown;
  actions["etcdMemberUp"] = ParseMemberUp;
  actions["etcdLeaderDown"] = ParseLeaderDown;
  actions["etcdDiskSlow"] = ParseDiskSlow;
}

}  // namespace kubesim::scenario
