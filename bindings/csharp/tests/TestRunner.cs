// A small self-contained test runner (no NUnit needed): runs every public method marked
// [Test] of the public classes marked [TestFixture], sync or returning Task, each with a
// timeout, and prints one line per test and then "N passed, N failed".
//
//   mono Plugwire.Tests.exe [NAME-SUBSTRING...]
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Reflection;
using System.Threading.Tasks;

namespace Plugwire.Tests
{
    [AttributeUsage(AttributeTargets.Class)]
    public sealed class TestFixtureAttribute : Attribute { }

    [AttributeUsage(AttributeTargets.Method)]
    public sealed class TestAttribute : Attribute
    {
        /// <summary>Seconds before the test counts as hung.</summary>
        public int TimeoutSeconds = 60;
    }

    public sealed class AssertionException : Exception
    {
        public AssertionException(string message) : base(message) { }
    }

    public static class Assert
    {
        public static void True(bool condition, string message = "expected true")
        {
            if (!condition) throw new AssertionException(message);
        }

        public static void Equal<T>(T expected, T actual, string what = "value")
        {
            if (!EqualityComparer<T>.Default.Equals(expected, actual))
                throw new AssertionException(what + ": expected <" + expected + "> but was <" + actual + ">");
        }

        public static void Sequence<T>(IEnumerable<T> expected, IEnumerable<T> actual, string what = "sequence")
        {
            var e = expected.ToList();
            var a = actual.ToList();
            if (!e.SequenceEqual(a))
                throw new AssertionException(what + ": expected [" + string.Join(", ", e) + "] but was [" + string.Join(", ", a) + "]");
        }

        public static TException Throws<TException>(Func<Task> action, string what = "call") where TException : Exception
        {
            try
            {
                action().GetAwaiter().GetResult();
            }
            catch (TException e)
            {
                return e;
            }
            catch (Exception e)
            {
                throw new AssertionException(what + ": expected " + typeof(TException).Name + " but got " + e.GetType().Name + ": " + e.Message);
            }
            throw new AssertionException(what + ": expected " + typeof(TException).Name + " but nothing was thrown");
        }

        public static TException ThrowsExactly<TException>(Func<Task> action, string what = "call") where TException : Exception
        {
            var e = Throws<TException>(action, what);
            if (e.GetType() != typeof(TException))
                throw new AssertionException(what + ": expected exactly " + typeof(TException).Name + " but got " + e.GetType().Name);
            return e;
        }
    }

    public static class TestRunner
    {
        public static int Main(string[] args)
        {
            if (args.Length > 0 && args[0] == "--child")
            {
                return ChildProcesses.Run(args.Skip(1).ToArray());
            }
            var filters = args;
            var tests = typeof(TestRunner).Assembly.GetTypes()
                .Where(t => t.IsPublic && t.GetCustomAttributes(typeof(TestFixtureAttribute), false).Length > 0)
                .OrderBy(t => t.Name)
                .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static)
                    .Where(m => m.GetCustomAttributes(typeof(TestAttribute), false).Length > 0)
                    .OrderBy(m => m.MetadataToken)
                    .Select(m => new { Type = t, Method = m }))
                .Where(x => filters.Length == 0 || filters.Any(f => (x.Type.Name + "." + x.Method.Name).Contains(f)))
                .ToList();
            int passed = 0, failed = 0;
            var total = Stopwatch.StartNew();
            foreach (var test in tests)
            {
                string name = test.Type.Name + "." + test.Method.Name;
                var attr = (TestAttribute)test.Method.GetCustomAttributes(typeof(TestAttribute), false)[0];
                var watch = Stopwatch.StartNew();
                try
                {
                    object instance = test.Method.IsStatic ? null : Activator.CreateInstance(test.Type);
                    var run = Task.Run(async () =>
                    {
                        object result = test.Method.Invoke(instance, null);
                        var task = result as Task;
                        if (task != null) await task.ConfigureAwait(false);
                    });
                    if (!run.Wait(TimeSpan.FromSeconds(attr.TimeoutSeconds)))
                        throw new TimeoutException("did not finish within " + attr.TimeoutSeconds + " s");
                    Console.WriteLine("PASS " + name + " (" + watch.ElapsedMilliseconds + " ms)");
                    passed++;
                }
                catch (Exception e)
                {
                    Exception inner = e;
                    while ((inner is AggregateException || inner is TargetInvocationException) && inner.InnerException != null)
                        inner = inner.InnerException;
                    Console.WriteLine("FAIL " + name + " (" + watch.ElapsedMilliseconds + " ms): " + inner.GetType().Name + ": " + inner.Message);
                    Console.WriteLine(inner.StackTrace);
                    failed++;
                }
            }
            Console.WriteLine("tests took " + total.Elapsed.TotalSeconds.ToString("F1") + " s");
            Console.WriteLine(passed + " passed, " + failed + " failed");
            return failed == 0 && passed > 0 ? 0 : 1;
        }
    }
}
