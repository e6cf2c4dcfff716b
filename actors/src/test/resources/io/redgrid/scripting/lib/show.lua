local function S(v, depth)
  local t = type(v)
  if t == 'string' then
    return '"' .. (string.gsub(v, '[^%w%p ]', function(c) return string.format('\\x%02x', string.byte(c)) end)) .. '"'
  elseif t == 'number' then
    return string.format('%.17g', v)
  elseif t == 'table' then
    if depth > 12 then return '{...}' end
    local ks = {}
    for k, x in pairs(v) do ks[#ks + 1] = S(k, depth + 1) .. '=' .. S(x, depth + 1) end
    table.sort(ks)
    return '{' .. table.concat(ks, ',') .. '}'
  elseif t == 'userdata' then
    if v == cjson.null then return 'NULL' end
    return 'userdata'
  else
    return tostring(v)
  end
end
local function D(...)
  local out = {}
  for i = 1, select('#', ...) do out[i] = S((select(i, ...)), 0) end
  return select('#', ...) .. ':' .. table.concat(out, ' ')
end
