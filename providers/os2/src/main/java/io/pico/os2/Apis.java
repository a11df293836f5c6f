package io.pico.os2;

import io.pico.api.Support;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The system DLLs as provider code: one table per module (DOSCALLS, MSG, NLS, VIOCALLS, KBDCALLS, QUECALLS,
 * SESMGR), ordinal to name, implementation, support level and note. Ordinals are those of OS/2 Warp.
 */
final class Apis {

    private static final Map<String, ApiTable> TABLES = new LinkedHashMap<>();
    private static final Support FULL = Support.FULL;
    private static final Support PART = Support.PARTIAL;

    static {
        doscalls();
        msg();
        nls();
        viocalls();
        kbdcalls();
        quecalls();
        sesmgr();
    }

    private Apis() {
    }

    /** The table of a system module, or null. */
    static ApiTable table(String module) {
        return TABLES.get(module.toUpperCase(Locale.ROOT));
    }

    static Map<String, ApiTable> tables() {
        return TABLES;
    }

    /**
     * A function for an ordinal no table lists: ERROR_INVALID_FUNCTION and a log line when called. The first
     * {@value #MAX_UNKNOWN} are shared by all processes; beyond that (images importing every ordinal there is)
     * each import gets a function of its own, so that no stream of programs grows the runtime's memory.
     */
    static Fn unknown(String module, int ordinal) {
        String key = module + "." + ordinal;
        Fn known = UNKNOWN.get(key);
        if (known != null) {
            return known;
        }
        Fn fn = new Fn(module, ordinal, "ordinal " + ordinal, Support.MISSING, "unknown ordinal", new String[0], null,
                false);
        if (UNKNOWN.size() >= MAX_UNKNOWN) {
            return fn;
        }
        Fn raced = UNKNOWN.putIfAbsent(key, fn);
        return raced == null ? fn : raced;
    }

    /** How many unknown functions are shared at most. */
    static final int MAX_UNKNOWN = 1024;

    /** The shared unknown functions (for tests). */
    static int unknownShared() {
        return UNKNOWN.size();
    }

    private static final Map<String, Fn> UNKNOWN = new java.util.concurrent.ConcurrentHashMap<>();

    private static ApiTable add(String module) {
        ApiTable t = new ApiTable(module);
        TABLES.put(module, t);
        return t;
    }

    private static void doscalls() {
        ApiTable t = add("DOSCALLS");
        // 16-bit entry points 32-bit DLLs (emx) call through thunks
        t.fn16(5, "Dos16Exit", FULL, "", "action:2,result:2", c -> {
            Threads.exit(c.p, c.thread, c.iarg(0), c.iarg(1));
            return Call.NO_RESULT;
        });
        t.fn16(14, "DosSetSigHandler", PART, "accepted and recorded as the default action; signals end the process",
                "pfnSigHandler:4,ppfnPrev:4,pfAction:4,fAction:2,usSigNum:2", c -> {
                    c.put32(c.ptr(1), 0);
                    c.put16(c.ptr(2), 0);
                    return Err.NO_ERROR;
                });
        t.fn16(15, "DosFlagProcess", PART, "accepted; no flag signals are delivered", "pid:2,fScope:2,usFlagNum:2,"
                + "usFlagArg:2", c -> Err.NO_ERROR);
        // 16-bit entry points of OS/2 1.x programs (NE)
        t.fn16(32, "DosSleep16", FULL, "", "ulTime:4", Dos16::sleep);
        t.fn16(34, "DosAllocSeg", PART, "every segment is a 64 KiB tile", "usSize:2,psel:4,fAlloc:2", Dos16::allocSeg);
        t.fn16(38, "DosReAllocSeg", PART, "segments have their 64 KiB from the start", "usSize:2,sel:2",
                Dos16::reallocSeg);
        t.fn16(39, "DosFreeSeg", FULL, "", "sel:2", Dos16::freeSeg);
        t.fn16(41, "DosGetHugeShift", FULL, "", "pusShiftCount:4", Dos16::getHugeShift);
        t.fn16(49, "DosGetMachineMode", FULL, "", "pMachMode:4", Dos16::getMachineMode);
        t.fn16(56, "DosBufReset", FULL, "", "hf:2", c -> {
            c.p.files.handle(c.arg(0) == 0xffff ? 1 : c.arg(0));
            return Err.NO_ERROR;
        });
        t.fn16(58, "DosChgFilePtr", FULL, "", "hf:2,lDistance:4,fsMethod:2,pulNewPtr:4", Dos16::chgFilePtr);
        t.fn16(59, "DosClose16", FULL, "", "hf:2", Dos16::close);
        t.fn16(77, "DosQHandType", FULL, "", "hf:2,pfsType:4,pusDevAttr:4", Dos16::handType);
        t.fn16(91, "DosGetEnv", FULL, "", "pselEnv:4,pOffsetCmd:4", Dos16::getEnv);
        t.fn16(92, "DosGetVersion", FULL, "", "pVer:4", Dos16::getVersion);
        t.fn16(94, "DosGetPID", FULL, "", "ppidInfo:4", Dos16::getPid);
        t.fn16(130, "DosGetCp", FULL, "", "cbBuf:2,pBuf:4,pcbCodePgLst:4", Dos16::getCp);
        t.fn16(137, "DosRead16", FULL, "", "hf:2,pBuf:4,cbBuf:2,pcbBytesRead:4", Dos16::read);
        t.fn16(138, "DosWrite16", FULL, "", "hf:2,pBuf:4,cbBuf:2,pcbBytesWritten:4", Dos16::write);
        // 32-bit
        t.part(110, "DosForceDelete", "deletes at once (there is no undelete)", "pszFile", c -> c.p.files.delete(c));
        t.full(111, "DosKillThread", "tid", Threads::kill);
        t.full(209, "DosSetMaxFH", "cFH", Misc::setMaxFH);
        t.part(210, "DosSetVerify", "accepted; writes are always verified by the host", "fVerify", c -> Err.NO_ERROR);
        t.missing(211, "DosErrClass", "code,pClass,pAction,pLocus");
        t.part(212, "DosError", "accepted; there are no hard-error pop-ups", "fError", c -> Err.NO_ERROR);
        t.part(218, "DosSetFileInfo", "levels 1 and 2: the last write time", "hFile,ulInfoLevel,pInfo,cbInfo",
                Misc::setFileInfo);
        t.part(219, "DosSetPathInfo", "levels 1 and 2: the last write time", "pszPathName,ulInfoLevel,pInfo,cbInfo,"
                + "flOptions", Misc::setPathInfo);
        t.full(220, "DosSetDefaultDisk", "disknum", Misc::setDisk);
        t.part(221, "DosSetFHState", "inheritance and write-through flags are recorded", "hFile,mode",
                c -> c.p.files.setState(c));
        t.missing(222, "DosSetFSInfo", "disknum,infolevel,pBuf,cbBuf");
        t.part(223, "DosQueryPathInfo", "levels 1, 2 (no extended attributes) and 5", "pszPathName,ulInfoLevel,pInfo,"
                + "cbInfo", c -> c.p.files.pathInfo(c));
        t.full(224, "DosQueryHType", "hFile,pType,pAttr", c -> c.p.files.handleType(c));
        t.part(225, "DosQueryVerify", "always on", "pBool", c -> {
            c.put32(Call.need(c.arg(0)), 1);
            return Err.NO_ERROR;
        });
        t.full(226, "DosDeleteDir", "pszDir", c -> c.p.files.deleteDir(c));
        t.full(227, "DosScanEnv", "pszName,ppszValue", Misc::scanEnv);
        t.full(228, "DosSearchPath", "flag,pszPathOrName,pszFilename,pBuf,cbBuf", Misc::searchPath);
        t.full(229, "DosSleep", "msec", Threads::sleep);
        t.full(230, "DosGetDateTime", "pdt", Misc::dateTime);
        t.full(231, "DosDevConfig", "pdevinfo,item", Misc::devConfig);
        t.part(232, "DosEnterCritSec", "other threads keep running", "", c -> Err.NO_ERROR);
        t.part(233, "DosExitCritSec", "see DosEnterCritSec", "", c -> Err.NO_ERROR);
        t.full(234, "DosExit", "action,result", Threads::exit);
        t.part(235, "DosKillProcess", "ends the process (and not its descendants)", "action,pid",
                Threads::killProcess);
        t.part(236, "DosSetPriority", "accepted; the host schedules", "scope,ulClass,delta,PorTid", c -> Err.NO_ERROR);
        t.part(237, "DosResumeThread", "starts threads created suspended", "tid", Threads::resume);
        t.part(238, "DosSuspendThread", "only threads that have not started", "tid", Threads::suspend);
        t.full(239, "DosCreatePipe", "phfRead,phfWrite,cb", Misc::createPipe);
        t.missing(240, "DosCallNPipe", "pszName,pInbuf,cbIn,pOutbuf,cbOut,pcbActual,msec");
        t.missing(241, "DosConnectNPipe", "hpipe");
        t.missing(242, "DosDisConnectNPipe", "hpipe");
        t.missing(243, "DosCreateNPipe", "pszName,pHpipe,openmode,pipemode,cbOutbuf,cbInbuf,msec");
        t.missing(244, "DosPeekNPipe", "hpipe,pBuf,cbBuf,pcbActual,pAvail,pState");
        t.part(245, "DosQueryNPHState", "anonymous pipes (byte mode, one instance); other handles are no pipes",
                "hpipe,pState", Misc::npState);
        t.missing(248, "DosQueryNPipeInfo", "hpipe,infolevel,pBuf,cbBuf");
        t.missing(249, "DosQueryNPipeSemState", "hsem,pnpss,cbBuf");
        t.missing(250, "DosSetNPHState", "hpipe,state");
        t.missing(251, "DosSetNPipeSem", "hpipe,hsem,key");
        t.missing(252, "DosTransactNPipe", "hpipe,pOutbuf,cbOut,pInbuf,cbIn,pcbRead");
        t.missing(253, "DosWaitNPipe", "pszName,msec");
        t.full(254, "DosResetBuffer", "hFile", c -> {
            c.p.files.handle(c.arg(0) == 0xffff_ffffL ? 1 : c.arg(0));
            return Err.NO_ERROR;
        });
        t.full(255, "DosSetCurrentDir", "pszDir", Misc::setCurrentDir);
        t.full(256, "DosSetFilePtr", "hFile,ib,method,ibActual", c -> c.p.files.seek(c));
        t.full(257, "DosClose", "hFile", c -> {
            c.p.files.close(c.arg(0));
            return Err.NO_ERROR;
        });
        t.part(258, "DosCopy", "files and directory trees; no extended attributes", "pszOld,pszNew,option",
                c -> c.p.files.copy(c));
        t.full(259, "DosDelete", "pszFile", c -> c.p.files.delete(c));
        t.full(260, "DosDupHandle", "hFile,pHfile", c -> {
            long ph = Call.need(c.arg(1));
            c.put32(ph, c.p.files.dup(c.arg(0), c.u32(ph) & 0xffff_ffffL));
            return Err.NO_ERROR;
        });
        t.full(261, "DosEditName", "metalevel,pszSource,pszEdit,pszTarget,cbTarget", Misc::editName);
        t.full(263, "DosFindClose", "hDir", c -> c.p.files.findClose(c));
        t.part(264, "DosFindFirst", "levels 1 and 2 (no extended attributes)", "pszFileSpec,phdir,flAttribute,"
                + "pfindbuf,cbBuf,pcFileNames,ulInfoLevel", c -> c.p.files.findFirst(c));
        t.full(265, "DosFindNext", "hDir,pfindbuf,cbfindbuf,pcFilenames", c -> c.p.files.findNext(c));
        t.missing(269, "DosFSAttach", "pszDevice,pszFilesystem,pData,cbData,flag");
        t.part(270, "DosCreateDir", "extended attributes are ignored", "pszDirName,peaop2", c -> c.p.files.createDir(c));
        t.full(271, "DosMove", "pszOld,pszNew", c -> c.p.files.move(c));
        t.full(272, "DosSetFileSize", "hFile,cbSize", c -> c.p.files.setSize(c));
        t.part(273, "DosOpen", "files and the NUL and CON devices; sharing modes and extended attributes are"
                + " ignored", "pszFileName,pHf,pulAction,cbFile,ulAttribute,fsOpenFlags,fsOpenMode,peaop2",
                c -> c.p.files.open(c));
        t.full(274, "DosQueryCurrentDir", "disknum,pBuf,pcbBuf", Misc::currentDir);
        t.full(275, "DosQueryCurrentDisk", "pdisknum,plogical", Misc::currentDisk);
        t.full(276, "DosQueryFHState", "hFile,pMode", c -> c.p.files.queryState(c));
        t.part(277, "DosQueryFSAttach", "local drives only", "pszDeviceName,ulOrdinal,ulFSAInfoLevel,pfsqb,"
                + "pcbBuffLength", Misc::fsAttach);
        t.part(278, "DosQueryFSInfo", "levels 1 and 2, of the file system holding the root", "disknum,infolevel,pBuf,"
                + "cbBuf", Misc::fsInfo);
        t.part(279, "DosQueryFileInfo", "levels 1 and 2 (no extended attributes)", "hf,ulInfoLevel,pInfo,cbInfoBuf",
                c -> c.p.files.fileInfo(c));
        t.full(280, "DosWaitChild", "action,option,pres,ppid,pid", Threads::waitChild);
        t.full(281, "DosRead", "hFile,pBuffer,cbRead,pcbActual", c -> c.p.files.read(c));
        t.full(282, "DosWrite", "hFile,pBuffer,cbWrite,pcbActual", c -> c.p.files.write(c));
        t.part(283, "DosExecPgm", "synchronous and asynchronous; children get the standard handles",
                "pObjname,cbObjname,execFlag,pArg,pEnv,pRes,pName", Threads::execPgm);
        t.missing(284, "DosDevIOCtl", "hDevice,category,function,pParams,cbParmLenMax,pcbParmLen,pData,cbDataLenMax,"
                + "pcbDataLen");
        t.missing(285, "DosFSCtl", "pData,cbData,pcbData,pParms,cbParms,pcbParms,function,pszRoute,hFile,method");
        t.part(286, "DosBeep", "traced, never sounded", "freq,dur", Misc::beep);
        t.missing(287, "DosPhysicalDisk", "function,pBuf,cbBuf,pParams,cbParams");
        t.part(289, "DosSetProcessCp", "code pages 850 and 437", "cp", Misc::setCp);
        t.full(290, "DosStopTimer", "htimer", Misc::stopTimer);
        t.full(291, "DosQueryCp", "cb,arCP,pcCP", Misc::queryCp);
        t.missing(292, "DosSetDateTime", "pdt");
        t.full(296, "DosExitList", "ordercode,pfn", Threads::exitList);
        t.full(299, "DosAllocMem", "ppb,cb,flag", Memory::allocMem);
        t.part(300, "DosAllocSharedMem", "an object of this process only", "ppb,pszName,cb,flag", Memory::allocShared);
        t.part(301, "DosGetNamedSharedMem", "objects of this process only", "ppb,pszName,flag",
                Memory::getNamedShared);
        t.part(302, "DosGetSharedMem", "objects of this process only", "pb,flag", Memory::getShared);
        t.missing(303, "DosGiveSharedMem", "pb,pid,flag");
        t.full(304, "DosFreeMem", "pb", Memory::free);
        t.full(305, "DosSetMem", "pb,cb,flag", Memory::set);
        t.full(306, "DosQueryMem", "pb,pcb,pFlag", Memory::query);
        t.full(311, "DosCreateThread", "ptid,pfn,param,flag,cbStack", Threads::create);
        t.full(312, "DosGetInfoBlocks", "pptib,pppib", Threads::infoBlocks);
        t.missing(317, "DosDebug", "pdbgbuf");
        t.full(318, "DosLoadModule", "pszName,cbName,pszModname,phmod", Modules::load);
        t.full(319, "DosQueryModuleHandle", "pszModname,phmod", Modules::moduleHandle);
        t.full(320, "DosQueryModuleName", "hmod,cbName,pch", Modules::moduleName);
        t.full(321, "DosQueryProcAddr", "hmod,ordinal,pszName,ppfn", Modules::procAddr);
        t.part(322, "DosFreeModule", "modules stay loaded until the process ends", "hmod", Modules::free);
        t.full(323, "DosQueryAppType", "pszName,pFlags", Modules::appType);
        t.full(324, "DosCreateEventSem", "pszName,phev,flAttr,fState", c -> c.p.sems.createEvent(c));
        t.full(325, "DosOpenEventSem", "pszName,phev", c -> c.p.sems.openEvent(c));
        t.full(326, "DosCloseEventSem", "hev", c -> c.p.sems.closeEvent(c));
        t.full(327, "DosResetEventSem", "hev,pulPostCt", c -> c.p.sems.resetEvent(c));
        t.full(328, "DosPostEventSem", "hev", c -> c.p.sems.postEvent(c));
        t.full(329, "DosWaitEventSem", "hev,ulTimeout", c -> c.p.sems.waitEvent(c));
        t.full(330, "DosQueryEventSem", "hev,pulPostCt", c -> c.p.sems.queryEvent(c));
        t.full(331, "DosCreateMutexSem", "pszName,phmtx,flAttr,fState", c -> c.p.sems.createMutex(c));
        t.full(332, "DosOpenMutexSem", "pszName,phmtx", c -> c.p.sems.openMutex(c));
        t.full(333, "DosCloseMutexSem", "hmtx", c -> c.p.sems.closeMutex(c));
        t.full(334, "DosRequestMutexSem", "hmtx,ulTimeout", c -> c.p.sems.requestMutex(c));
        t.full(335, "DosReleaseMutexSem", "hmtx", c -> c.p.sems.releaseMutex(c));
        t.full(336, "DosQueryMutexSem", "hmtx,ppid,ptid,pulCount", c -> c.p.sems.queryMutex(c));
        t.part(337, "DosCreateMuxWaitSem", "event and mutex members", "pszName,phmux,cSemRec,pSemRec,flAttr",
                c -> c.p.sems.createMuxWait(c));
        t.missing(338, "DosOpenMuxWaitSem", "pszName,phmux");
        t.full(339, "DosCloseMuxWaitSem", "hmux", c -> c.p.sems.closeMuxWait(c));
        t.full(340, "DosWaitMuxWaitSem", "hmux,ulTimeout,pulUser", c -> c.p.sems.waitMuxWait(c));
        t.missing(341, "DosAddMuxWaitSem", "hmux,pSemRec");
        t.missing(342, "DosDeleteMuxWaitSem", "hmux,hSem");
        t.missing(343, "DosQueryMuxWaitSem", "hmux,pcSemRec,pSemRec,pflAttr");
        t.part(344, "DosSubSetMem", "the whole pool is committed at once", "pbBase,flag,cb", Memory::subSet);
        t.full(345, "DosSubAllocMem", "pbBase,ppb,cb", Memory::subAlloc);
        t.full(346, "DosSubFreeMem", "pbBase,pb,cb", Memory::subFree);
        t.full(347, "DosSubUnsetMem", "pbBase", Memory::subUnset);
        t.full(348, "DosQuerySysInfo", "iStart,iLast,pBuf,cbBuf", Misc::querySysInfo);
        t.full(349, "DosWaitThread", "ptid,option", Threads::waitThread);
        t.full(350, "DosAsyncTimer", "msec,hsem,phtimer", c -> Misc.timer(c, false));
        t.full(351, "DosStartTimer", "msec,hsem,phtimer", c -> Misc.timer(c, true));
        t.missing(352, "DosGetResource", "hmod,idType,idName,ppb");
        t.missing(353, "DosFreeResource", "pb");
        t.full(354, "DosSetExceptionHandler", "pERegRec", Exceptions::set);
        t.full(355, "DosUnsetExceptionHandler", "pERegRec", Exceptions::unset);
        t.part(356, "DosRaiseException", "dispatched to the thread's handlers; unhandled ends the process",
                "pexcept", Exceptions::raise);
        t.part(357, "DosUnwindException", "calls and removes the handlers above the target", "phandler,pTargetIP,"
                + "pERepRec", Exceptions::unwind);
        t.full(362, "DosTmrQueryFreq", "pulTmrFreq", Misc::tmrFreq);
        t.full(363, "DosTmrQueryTime", "pqwTmrTime", Misc::tmrTime);
        t.missing(368, "DosQuerySysState", "EntityList,EntityLevel,pid,tid,pDataBuf,cbBuf");
        t.missing(372, "DosEnumAttribute", "ulRefType,pvFile,ulEntry,pvBuf,cbBuf,pulCount,ulInfoLevel");
        t.part(378, "DosSetSignalExceptionFocus", "accepted; Ctrl-C ends the process", "flag,pulTimes", c -> {
            c.put32(c.arg(1), 1);
            return Err.NO_ERROR;
        });
        t.part(379, "DosSendSignalException", "ends the target process", "pid,exception", c -> {
            try {
                c.p.kernel.signal(c.iarg(0), c.arg(1) == 4 ? "BREAK" : "INT");
            } catch (IllegalArgumentException e) {
                throw new Os2Exception(Err.INVALID_PROCID);
            }
            return Err.NO_ERROR;
        });
        t.full(380, "DosEnterMustComplete", "pulNesting", c -> {
            c.put32(c.arg(0), ++c.t.mustComplete);
            return Err.NO_ERROR;
        });
        t.full(381, "DosExitMustComplete", "pulNesting", c -> {
            if (c.t.mustComplete == 0) {
                throw new Os2Exception(Err.INVALID_FUNCTION);
            }
            c.put32(c.arg(0), --c.t.mustComplete);
            return Err.NO_ERROR;
        });
        t.full(382, "DosSetRelMaxFH", "pcbReqCount,pcbCurMaxFH", Misc::setRelMaxFH);
        t.missing(415, "DosShutdown", "ulReserved");
        t.part(418, "DosAcknowledgeSignalException", "accepted", "ulSignalNum", c -> Err.NO_ERROR);
        t.full(425, "DosFlatToSel", "", Misc::flatToSel);
        t.full(426, "DosSelToFlat", "", Misc::selToFlat);
        t.missing(428, "DosSetFileLocks", "hFile,pflUnlock,pflLock,timeout,flags");
        t.missing(429, "DosCancelLockRequest", "hFile,pflLock");
        t.full(454, "DosAllocThreadLocalMemory", "cb,pb", Threads::allocTls);
        t.full(455, "DosFreeThreadLocalMemory", "pb", Threads::freeTls);
        t.missing(572, "DosQueryResourceSize", "hmod,idt,idn,pulsize");
        t.missing(586, "DosQueryProcType", "hmod,ordinal,pszName,pulproctype");
    }

    private static void msg() {
        ApiTable t = add("MSG");
        t.fn16(1, "DosPutMessage16", FULL, "", "hf:2,cbMsg:2,pchMsg:4", Dos16::putMessage);
        t.full(4, "DosInsertMessage", "pTable,cTable,pszMsg,cbMsg,pBuf,cbBuf,pcbMsg", Console::insertMessage);
        t.full(5, "DosPutMessage", "hfile,cbMsg,pBuf", Console::putMessage);
        t.part(6, "DosTrueGetMessage", "system messages (OSO001.MSG) from a built-in table; no bound messages",
                "pMsgSeg,pTable,cTable,pBuf,cbBuf,msgnumber,pszFile,pcbMsg", Console::getMessage);
        t.missing(8, "DosIQueryMessageCP", "pb,cb,pszFilename,cbBuf,pMsgSeg");
    }

    private static void nls() {
        ApiTable t = add("NLS");
        t.fn16(4, "DosGetDBCSEv", FULL, "", "cbBuf:2,pctryc:4,pchBuf:4", Dos16::dbcsEnv);
        t.part(5, "DosQueryCtryInfo", "the United States, code page 850, whatever country is asked",
                "cb,pcc,pci,pcbActual", Console::countryInfo);
        t.full(6, "DosQueryDBCSEnv", "cb,pcc,pBuf", Console::dbcsEnv);
        t.part(7, "DosMapCase", "code page 850, whatever country is asked", "cb,pcc,pch", Console::mapCase);
        t.part(8, "DosQueryCollate", "upper-case weights", "cb,pcc,pch,pcch", Console::collate);
    }

    private static void viocalls() {
        ApiTable t = add("VIOCALLS");
        t.fn16(7, "VioScrollUp", Support.MISSING, "not implemented", "usTopRow:2,usLeftCol:2,usBotRow:2,"
                + "usRightCol:2,cbLines:2,pCell:4,hvio:2", null);
        t.fn16(9, "VioGetCurPos", PART, "always the top left", "pusRow:4,pusColumn:4,hvio:2", Console::getCurPos);
        t.fn16(15, "VioSetCurPos", PART, "accepted; the terminal keeps its cursor", "usRow:2,usColumn:2,hvio:2",
                c -> Err.NO_ERROR);
        t.fn16(19, "VioWrtTTY", FULL, "", "pch:4,cb:2,hvio:2", Console::wrtTty);
        t.fn16(21, "VioGetMode", PART, "an 80x25 colour text mode", "pvioModeInfo:4,hvio:2", Console::getMode);
    }

    private static void kbdcalls() {
        ApiTable t = add("KBDCALLS");
        t.fn16(4, "KbdCharIn", PART, "characters from standard input (no scan codes)", "pkbci:4,fWait:2,hkbd:2",
                Console::charIn);
        t.fn16(9, "KbdStringIn", PART, "a line from standard input", "pch:4,pchIn:4,fWait:2,hkbd:2",
                Console::stringIn);
        t.fn16(10, "KbdGetStatus", PART, "echo and cooked mode", "pkbdinfo:4,hkbd:2", Console::getStatus);
        t.fn16(11, "KbdSetStatus", PART, "accepted; the terminal keeps its mode", "pkbdinfo:4,hkbd:2",
                c -> Err.NO_ERROR);
        t.fn16(13, "KbdFlushBuffer", PART, "accepted", "hkbd:2", c -> Err.NO_ERROR);
        t.fn16(22, "KbdPeek", PART, "reports whether input is waiting", "pkbci:4,hkbd:2", Console::peek);
    }

    private static void quecalls() {
        ApiTable t = add("QUECALLS");
        t.part(9, "DosReadQueue", "queues of this process", "hq,pRequest,pcbData,ppbuf,element,wait,ppriority,hsem",
                Queues::read);
        t.full(10, "DosPurgeQueue", "hq", Queues::purge);
        t.full(11, "DosCloseQueue", "hq", Queues::close);
        t.full(12, "DosQueryQueue", "hq,pcbEntries", Queues::query);
        t.missing(13, "DosPeekQueue", "hq,pRequest,pcbData,ppbuf,element,nowait,ppriority,hsem");
        t.part(14, "DosWriteQueue", "queues of this process", "hq,request,cbData,pbData,priority", Queues::write);
        t.part(15, "DosOpenQueue", "queues of this process", "ppid,phq,pszName", Queues::open);
        t.part(16, "DosCreateQueue", "FIFO and priority order; not visible to other processes", "phq,priority,pszName",
                Queues::create);
    }

    private static void sesmgr() {
        ApiTable t = add("SESMGR");
        t.part(37, "DosStartSession", "starts the program as a child process in this session", "psd,pidSession,ppid",
                Queues::startSession);
        t.part(38, "DosSelectSession", "accepted", "idSession", c -> Err.NO_ERROR);
        t.part(39, "DosSetSession", "accepted", "idSession,psd", c -> Err.NO_ERROR);
        t.part(40, "DosStopSession", "ends the session's process", "scope,idSession", c -> {
            try {
                c.p.kernel.signal(c.iarg(1), "KILL");
            } catch (IllegalArgumentException e) {
                throw new Os2Exception(369); // ERROR_SMG_SESSION_NOT_FOUND
            }
            return Err.NO_ERROR;
        });
    }
}
