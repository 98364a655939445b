import Foundation
import SwitchboardCore
import SwitchboardTestSupport
import Testing

/// Sources/CLazyCurl, as the static release build compiles it (`-DSWITCHBOARD_LAZY_CURL`), under
/// ThreadSanitizer: FoundationNetworking may call libcurl from several threads at once, and the first calls
/// must load the library and its function pointers exactly once, with no data race. A stand-in libcurl.so.4,
/// built here, keeps the test off the system's libcurl.
@Suite struct LazyCurlTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let fakeCurl = """
        #include <stdatomic.h>
        static atomic_int opened;
        __attribute__((constructor)) static void count(void) { atomic_fetch_add(&opened, 1); }
        int fake_curl_opened(void) { return atomic_load(&opened); }
        char *curl_version(void) { return "fake-curl/1.0"; }
        const char *curl_easy_strerror(int code) { (void)code; return "fake"; }
        void *curl_easy_init(void) { static int handle; return &handle; }
        void curl_easy_cleanup(void *handle) { (void)handle; }
        int curl_easy_setopt(void *handle, int option, ...) { (void)handle; return option == 10002 ? 0 : 48; }
        """

    /// Eight threads released together, each calling the forwarders and the probe 200 times.
    static let harness = """
        #include <dlfcn.h>
        #include <pthread.h>
        #include <stdio.h>
        #include <string.h>
        int sb_lazy_curl_enabled(void);
        int sb_lazy_curl_loaded(void);
        char *curl_version(void);
        const char *curl_easy_strerror(int code);
        void *curl_easy_init(void);
        void curl_easy_cleanup(void *handle);
        int curl_easy_setopt(void *handle, int option, ...);
        static pthread_barrier_t start;
        static void *worker(void *arg) {
            (void)arg;
            pthread_barrier_wait(&start);
            for (int i = 0; i < 200; i++) {
                if (strcmp(curl_version(), "fake-curl/1.0") != 0) return (void *)1;
                if (strcmp(curl_easy_strerror(0), "fake") != 0) return (void *)1;
                void *h = curl_easy_init();
                if (curl_easy_setopt(h, 10002, "https://example.com/") != 0) return (void *)1;
                curl_easy_cleanup(h);
                (void)sb_lazy_curl_loaded();
            }
            return NULL;
        }
        int main(void) {
            enum { N = 8 };
            if (sb_lazy_curl_enabled() != 1 || sb_lazy_curl_loaded() != 0) { puts("loaded before use"); return 2; }
            pthread_t threads[N];
            pthread_barrier_init(&start, NULL, N);
            for (int i = 0; i < N; i++) pthread_create(&threads[i], NULL, worker, NULL);
            int failed = 0;
            for (int i = 0; i < N; i++) { void *r; pthread_join(threads[i], &r); failed |= r != NULL; }
            int (*opened)(void) = (int (*)(void))dlsym(RTLD_DEFAULT, "fake_curl_opened");
            printf("loaded=%d opened=%d failed=%d\\n", sb_lazy_curl_loaded(), opened ? opened() : -1, failed);
            return failed;
        }
        """

    /// The C compiler of the Swift toolchain running the tests (it has ThreadSanitizer), and the toolchain's
    /// libdispatch, which its ThreadSanitizer runtime links against.
    static func toolchain() throws -> (clang: String, swiftLibraries: String) {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        for dir in path.split(separator: ":") {
            let clang = "\(dir)/clang"
            let libraries = URL(fileURLWithPath: "\(dir)/../lib/swift/linux").standardized.path
            if FileManager.default.isExecutableFile(atPath: clang), FileManager.default.fileExists(atPath: libraries + "/libdispatch.so") {
                return (clang, libraries)
            }
        }
        throw InvalidInput("no clang beside a Swift toolchain's lib/swift/linux on PATH (\(path)); the Swift toolchain ships one")
    }

    static func run(_ argv: [String], environment: [String: String] = [:]) async throws -> Spawned.Output {
        let env = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        return try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try Spawned.run(argv, stdin: nil, environment: env) }) }.start()
        }
    }

    @Test func firstCallsFromManyThreadsLoadLibcurlOnceWithoutARace() async throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let (clang, swiftLibraries) = try Self.toolchain()
        try Self.fakeCurl.write(to: tmp.path("fake_curl.c"), atomically: true, encoding: .utf8)
        try Self.harness.write(to: tmp.path("harness.c"), atomically: true, encoding: .utf8)
        let source = Self.repository.appendingPathComponent("Sources/CLazyCurl")
        let library = try await Self.run([clang, "-shared", "-fPIC", "-o", tmp.path("libcurl.so.4").path, tmp.path("fake_curl.c").path])
        #expect(library.status == 0, "\(String(decoding: library.stderr, as: UTF8.self))")
        let build = try await Self.run([clang, "-fsanitize=thread", "-g", "-O1", "-DSWITCHBOARD_LAZY_CURL", "-I", source.appendingPathComponent("include").path,
                                        source.appendingPathComponent("lazy_curl.c").path, tmp.path("harness.c").path,
                                        "-o", tmp.path("harness").path, "-ldl", "-lpthread",
                                        "-L", swiftLibraries, "-ldispatch", "-lBlocksRuntime", "-Wl,-rpath,\(swiftLibraries)"])
        try #require(build.status == 0, "\(String(decoding: build.stderr, as: UTF8.self))")
        let run = try await Self.run([tmp.path("harness").path],
                                     environment: ["LD_LIBRARY_PATH": tmp.url.path, "TSAN_OPTIONS": "halt_on_error=1 exitcode=66"])
        let out = String(decoding: run.stdout, as: UTF8.self), err = String(decoding: run.stderr, as: UTF8.self)
        #expect(!err.contains("ThreadSanitizer"), "\(err)")
        #expect(run.status == 0 && out == "loaded=1 opened=1 failed=0\n", "exit \(run.status): \(out)\(err)")
    }
}
