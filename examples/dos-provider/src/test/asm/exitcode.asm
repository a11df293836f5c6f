; EXITCODE.COM: ends with status 42 (int 21h AH=4Ch, AL=2Ah).
        org 100h
        mov ax, 4C2Ah
        int 21h
