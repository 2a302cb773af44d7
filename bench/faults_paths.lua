-- wrk script for bench/faults: `wrk ... http://host:port -s bench/faults_paths.lua -- PATHS_FILE`.
-- Each wrk thread cycles through the paths in PATHS_FILE (one a line), one request per path in
-- turn, and counts the responses by status class. done() prints one line that bench/faults reads:
--   status classes: 1xx=0 2xx=12345 3xx=0 4xx=0 5xx=0

local threads = {}

function setup(thread)
   thread:set("id", #threads)
   table.insert(threads, thread)
end

function init(args)
   requests = {}
   for line in io.lines(args[1]) do
      if line ~= "" then
         table.insert(requests, wrk.format("GET", line))
      end
   end
   -- Threads start at different paths (with -t2, half the list apart).
   counter = id * math.floor(#requests / 2)
   c1, c2, c3, c4, c5 = 0, 0, 0, 0, 0
end

function request()
   counter = counter + 1
   return requests[(counter - 1) % #requests + 1]
end

function response(status, headers, body)
   local class = math.floor(status / 100)
   if class == 1 then c1 = c1 + 1
   elseif class == 2 then c2 = c2 + 1
   elseif class == 3 then c3 = c3 + 1
   elseif class == 4 then c4 = c4 + 1
   else c5 = c5 + 1 end
end

function done(summary, latency, requests)
   local t = {0, 0, 0, 0, 0}
   for _, thread in ipairs(threads) do
      for class = 1, 5 do
         t[class] = t[class] + (thread:get("c" .. class) or 0)
      end
   end
   io.write(string.format("status classes: 1xx=%d 2xx=%d 3xx=%d 4xx=%d 5xx=%d\n",
                          t[1], t[2], t[3], t[4], t[5]))
end
