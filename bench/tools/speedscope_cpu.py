#!/usr/bin/env python3
"""CPU time by frame in a dotnet-trace 'dotnet-sampled-thread-time' trace converted to Speedscope.

    dotnet-trace collect -p PID --profile dotnet-sampled-thread-time --format Speedscope --duration 00:00:00:10 -o t.nettrace
    python3 bench/tools/speedscope_cpu.py t.speedscope.json [frame-substring ...]

Only the periods a thread spent in CPU_TIME count. Prints the total, the frames directly under CPU_TIME (where
the time is spent) and, for each substring given, the callers that lead to matching leaf frames.
"""
import collections
import json
import sys


def main(path, targets):
    data = json.load(open(path))
    frames = data['shared']['frames']
    leaf = collections.Counter()
    callers = {t: collections.Counter() for t in targets}
    total = 0.0
    for profile in data['profiles']:
        stack, last = [], None
        for event in profile['events']:
            at = event['at']
            if last is not None and stack and frames[stack[-1]]['name'] == 'CPU_TIME':
                duration = at - last
                total += duration
                names = [frames[f]['name'] for f in stack[:-1]]
                if names:
                    leaf[names[-1]] += duration
                    for target in targets:
                        if target in names[-1]:
                            chain = ' <- '.join(n.split('!')[-1][:70] for n in reversed(names[-6:-1]))
                            callers[target][chain] += duration
            last = at
            if event['type'] == 'O':
                stack.append(event['frame'])
            elif stack:
                stack.pop()
    print(f'CPU time: {total:.0f} ms')
    for name, duration in leaf.most_common(20):
        print(f'{100 * duration / total:5.1f} %  {name[:150]}')
    for target in targets:
        print(f'--- callers of {target}')
        for chain, duration in callers[target].most_common(6):
            print(f'{100 * duration / total:5.1f} %  {chain}')


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2:])
