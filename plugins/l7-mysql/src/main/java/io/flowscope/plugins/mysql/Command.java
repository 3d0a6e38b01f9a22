package io.flowscope.plugins.mysql;

/** A request the client sent whose response has not completed: what the response is read as depends on it. */
final class Command {

    /** The login exchange (handshake response, auth switches, OK or ERR): not a command byte. */
    static final int LOGIN = -1;

    /** Command byte, or {@link #LOGIN}. */
    final int command;
    /** The sequence id the server's first packet of the response carries. */
    final int firstResponseSeq;
    /** For COM_STMT_PREPARE: the statement text as reported (obfuscated or not), remembered under the statement id. */
    final String sql;
    /** For COM_STMT_PREPARE: the statement's verb. */
    final String verb;
    /** For COM_INIT_DB and {@code USE db}: the database the connection moves to when the response is OK. */
    final String database;

    Command(int command, int firstResponseSeq, String sql, String verb, String database) {
        this.command = command;
        this.firstResponseSeq = firstResponseSeq;
        this.sql = sql;
        this.verb = verb;
        this.database = database;
    }

    /** Whether the response may carry auth switches and extra auth data before its OK (login, COM_CHANGE_USER). */
    boolean authenticates() {
        return command == LOGIN || command == Wire.COM_CHANGE_USER;
    }
}
