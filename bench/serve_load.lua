-- wrk script for bench/serve_load.sh: each request POSTs one sentence to /v1/translate, taking
-- the lines of the file named after "--" in turn (and a beam size, if a second argument gives
-- one); any status but 200 is counted and printed.
local bodies, next_body, failed = {}, 0, 0

function init(args)
  local beam = args[2] and (', "beam": ' .. args[2]) or ""
  -- The load-test lines hold no quotes or backslashes: nothing needs JSON escaping.
  for line in io.lines(args[1]) do
    bodies[#bodies + 1] = '{"inputs": ["' .. line .. '"]' .. beam .. '}'
  end
end

function request()
  next_body = next_body % #bodies + 1
  return wrk.format("POST", "/v1/translate", { ["Content-Type"] = "application/json" },
                    bodies[next_body])
end

function response(status, headers, body)
  if status ~= 200 then
    failed = failed + 1
    if failed <= 3 then io.stderr:write("HTTP " .. status .. ": " .. body .. "\n") end
  end
end
