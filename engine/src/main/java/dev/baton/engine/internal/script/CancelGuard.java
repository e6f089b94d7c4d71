package dev.baton.engine.internal.script;

import com.oracle.truffle.api.CompilerDirectives;
import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.instrumentation.ExecutionEventNode;
import com.oracle.truffle.api.instrumentation.SourceSectionFilter;
import com.oracle.truffle.api.instrumentation.StandardTags;
import com.oracle.truffle.api.instrumentation.TruffleInstrument;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A Truffle instrument that makes the cancellation of a sandboxed script stick.
 *
 * <p>Truffle's own cancellation throws once, at the next safepoint. A script that catches its own stack overflow
 * and recurses again ({@code function f(n){try{return f(n+1)}catch(e){return f(n+1)}}}) defeats it: the cancel
 * lands near the end of the stack, overflows while unwinding, and turns into a RangeError the script catches. With
 * this guard, every function entry and statement of a doomed thread throws again, so each catch block that tries to
 * go on fails at once and the stack unwinds. The exception is not a guest exception: JavaScript cannot catch it.
 */
@TruffleInstrument.Registration(id = CancelGuard.ID, name = "Baton cancel guard", services = CancelGuard.Doom.class)
public final class CancelGuard extends TruffleInstrument {

    /** The instrument's id, for {@code engine.getInstruments().get(ID)}. */
    public static final String ID = "baton-cancel-guard";

    @Override
    protected void onCreate(Env env) {
        Doom doom = new Doom();
        env.registerService(doom);
        SourceSectionFilter everyCallAndStatement = SourceSectionFilter.newBuilder()
                .tagIs(StandardTags.RootTag.class, StandardTags.StatementTag.class)
                .build();
        env.getInstrumenter().attachExecutionEventFactory(everyCallAndStatement, context -> new ExecutionEventNode() {
            @Override
            protected void onEnter(VirtualFrame frame) {
                if (doom.any) {
                    doom.check();
                }
            }
        });
    }

    /** The threads whose scripts must stop. */
    public static final class Doom {

        private final Set<Thread> doomed = ConcurrentHashMap.newKeySet();
        private volatile boolean any;

        /** From now on every statement that {@code thread} runs in a guarded context throws. */
        public void doom(Thread thread) {
            doomed.add(thread);
            any = true;
        }

        /** Lets {@code thread} run scripts again (its doomed evaluation has ended). */
        public void pardon(Thread thread) {
            doomed.remove(thread);
            any = !doomed.isEmpty();
        }

        @CompilerDirectives.TruffleBoundary
        void check() {
            if (doomed.contains(Thread.currentThread())) {
                throw new Stopped();
            }
        }
    }

    /** Thrown into a doomed script; not a guest exception, so no JavaScript catch block sees it. */
    static final class Stopped extends RuntimeException {
        Stopped() {
            super("script stopped by the sandbox", null, false, false);
        }
    }
}
