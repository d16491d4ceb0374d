#include "api/router.h"

#include <algorithm>

namespace ketaclinic::api {
namespace {

// The next '/'-separated segment of `path` (which starts after a '/'), advancing it.
std::string_view NextSegment(std::string_view& rest) {
  const size_t slash = rest.find('/');
  const std::string_view segment = rest.substr(0, slash);
  rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
  return segment;
}

}  // namespace

bool Route::Allows(clinical::Role role) const {
  return is_public || std::find(roles.begin(), roles.end(), role) != roles.end();
}

bool MatchPath(std::string_view path_template, std::string_view path,
               std::map<std::string, std::string>& params) {
  if (path_template.empty() || path.empty() || path_template[0] != '/' || path[0] != '/') {
    return false;
  }
  std::string_view t = path_template.substr(1);
  std::string_view p = path.substr(1);
  std::map<std::string, std::string> found;
  bool t_done = false;
  bool p_done = false;
  while (!t_done && !p_done) {
    t_done = t.find('/') == std::string_view::npos;
    p_done = p.find('/') == std::string_view::npos;
    const std::string_view ts = NextSegment(t);
    const std::string_view ps = NextSegment(p);
    if (ts.size() >= 2 && ts.front() == '{' && ts.back() == '}') {
      if (ps.empty()) return false;
      found[std::string(ts.substr(1, ts.size() - 2))] = PercentDecode(ps);
    } else if (ts != ps) {
      return false;
    }
  }
  if (t_done != p_done) return false;
  params = std::move(found);
  return true;
}

Router::Lookup Router::Find(std::string_view method, std::string_view path) const {
  Lookup lookup;
  for (const Route& route : routes_) {
    std::map<std::string, std::string> params;
    if (!MatchPath(route.path, path, params)) continue;
    if (route.method == method) {
      lookup.route = &route;
      lookup.params = std::move(params);
      return lookup;
    }
    lookup.allowed_methods.push_back(route.method);
  }
  return lookup;
}

}  // namespace ketaclinic::api
