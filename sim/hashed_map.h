// HashedMap: a string-keyed ordered map whose point lookups go through a hash table.
//
// For stores that need their keys in order, for prefix ranges and for lists whose order must not
// depend on a hash, yet whose traffic is mostly point lookups by long keys that share their first
// tens of bytes with every other key (path-like keys such as "/a/b/c/item-1234"). In a red-black
// tree each of those lookups compares the shared prefix at every one of ~log2(n) levels; a hash
// table reads the key once. (Users: the etcd model's keyspace and the informer caches.)
//
// So both are kept: a std::map owns the entries and gives every iteration and range in key order,
// and a hash table from a view of each map key to its map entry answers find by key. The hash table
// is never iterated, so nothing observable depends on hash order (map nodes never move, so the
// views and iterators stay valid until their entry is erased).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <utility>

namespace kubesim::sim {

template <typename V>
class HashedMap {
 public:
  using Map = std::map<std::string, V, std::less<>>;
  using iterator = typename Map::iterator;
  using const_iterator = typename Map::const_iterator;

  HashedMap() = default;
  // The hash table points into this map's own nodes.
  HashedMap(const HashedMap&) = delete;
  HashedMap& operator=(const HashedMap&) = delete;

  // The entries in key order.
  const Map& ordered() const { return map_; }
  iterator begin() { return map_.begin(); }
  iterator end() { return map_.end(); }
  const_iterator begin() const { return map_.begin(); }
  const_iterator end() const { return map_.end(); }

  iterator find(std::string_view key) {
    auto it = index_.find(key);
    return it == index_.end() ? map_.end() : it->second;
  }
  const_iterator find(std::string_view key) const {
    auto it = index_.find(key);
    return it == index_.end() ? map_.end() : const_iterator(it->second);
  }
  const_iterator lower_bound(std::string_view key) const { return map_.lower_bound(key); }

  // The entry for `key`, value-constructed from `args` when it is new; the key is copied only then.
  template <typename... Args>
  std::pair<iterator, bool> try_emplace(std::string_view key, Args&&... args) {
    if (auto it = index_.find(key); it != index_.end()) return {it->second, false};
    auto hint = map_.lower_bound(key);
    auto it = map_.emplace_hint(hint, std::piecewise_construct, std::forward_as_tuple(key),
                                std::forward_as_tuple(std::forward<Args>(args)...));
    index_.emplace(std::string_view(it->first), it);
    return {it, true};
  }
  V& operator[](std::string_view key) { return try_emplace(key).first->second; }

  iterator erase(iterator it) {
    index_.erase(std::string_view(it->first));
    return map_.erase(it);
  }

 private:
  Map map_;
  std::unordered_map<std::string_view, iterator> index_;
};

}  // namespace kubesim::sim
