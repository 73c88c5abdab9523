package io.layerwise.engine.internal;

import io.layerwise.api.regularizer.Penalty;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * A regularizer's penalty as the engine hands it to a stage. Every hook's result is checked: a hook that throws, or
 * returns NaN or an infinity from finite arrays, fails with a {@link Failure} naming the regularizer, its parameters
 * and its bundle, so that the job stops with that name instead of a bare "the loss is NaN" or a foreign stack trace.
 * A dynamic proxy of {@link Penalty}, so that the engine needs no ND4J types; one reflective call and one comparison
 * per hook call, the arrays passed through untouched. {@link Penalty#state()} and {@link Penalty#restoreState} reach the
 * penalty like every other method (a penalty built against an older API gets the interface's defaults); a saved state
 * the penalty rejects stays an {@link IllegalArgumentException}, with the regularizer named, as restoring a stage
 * promises.
 */
final class GuardedPenalty implements InvocationHandler {
    private final Penalty penalty;
    private final String name;
    private final String bundle;

    private GuardedPenalty(Penalty penalty, String name, String bundle) {
        this.penalty = penalty;
        this.name = name;
        this.bundle = bundle;
    }

    /** {@code penalty} behind the guard; {@code name} and {@code bundle} appear in failure messages. */
    static Penalty wrap(Penalty penalty, String name, String bundle) {
        return (Penalty) Proxy.newProxyInstance(Penalty.class.getClassLoader(), new Class<?>[] {Penalty.class},
                new GuardedPenalty(penalty, name, bundle));
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        if (method.getDeclaringClass() == Object.class) {
            return switch (method.getName()) {
                case "equals" -> proxy == args[0];
                case "hashCode" -> System.identityHashCode(proxy);
                default -> "guarded " + penalty;
            };
        }
        Object result;
        try {
            result = method.invoke(penalty, args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Failure || !(cause instanceof RuntimeException || cause instanceof LinkageError)) {
                throw cause;
            }
            if (cause instanceof IllegalArgumentException && method.getName().equals("restoreState")) {
                throw new IllegalArgumentException(who() + " rejected its saved state: " + cause.getMessage(), cause);
            }
            throw new Failure(who() + " threw " + cause + " in " + method.getName(), cause);
        }
        if (result instanceof Double d && !Double.isFinite(d) && finite(args)) {
            throw new Failure(who() + " returned " + d + " from " + method.getName() + " on finite arrays", null);
        }
        return result;
    }

    /**
     * Whether every array argument holds finite values only (through {@code INDArray.sumNumber()}, looked up by
     * name: the engine has no ND4J types). Only asked after a non-finite penalty: when the stage's own weights or
     * activations are already NaN, the model diverged and the engine's loss check reports that instead.
     */
    private static boolean finite(Object[] args) throws ReflectiveOperationException {
        if (args == null) {
            return true;
        }
        Class<?> ndArray = Penalty.class.getClassLoader().loadClass("org.nd4j.linalg.api.ndarray.INDArray");
        Method sum = ndArray.getMethod("sumNumber");
        for (Object a : args) {
            if (ndArray.isInstance(a) && !Double.isFinite(((Number) sum.invoke(a)).doubleValue())) {
                return false;
            }
        }
        return true;
    }

    /** {@code regularizer "kl-sparsity" (kl-sparsity(rho=0.05, ...) from io.layerwise.regularizers 0.1.0)}. */
    private String who() {
        String d;
        try {
            d = penalty.describe();
        } catch (RuntimeException e) {
            d = "describe() failed: " + e;
        }
        return "regularizer \"" + name + "\" (" + d + " from " + bundle + ")";
    }

    /** A penalty hook failed; the message names the regularizer and its bundle. */
    static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Failure(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
